# sohoa WIA helper: WIA Automation (wiaaut.dll, WIA.DeviceManager) from PowerShell, speaking the station's JSON
# lines (docs/capture.md, Windows). First stdin line = request; stdout = one JSON event per line; stderr = log.
#   {"op":"list"} | {"op":"caps","device":ID} | {"op":"scan","device":ID,"outDir":DIR,"firstSeq":N,"dataType":3,
#    "resolution":200,"source":"feeder","duplex":true,"pageSize":0}
# Every property read or written is reported with its WIA id, so the station (and a recorded transcript) sees
# exactly what the driver was told. Pages: Item.Transfer(BMP) once per page, saved as w000001.bmp in outDir; the
# station converts each to PNM. Not run on this project's CI (no Windows): the station's WIA driver is tested by
# replaying transcripts of this protocol (tests/fixtures/wia).
$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
[Console]::InputEncoding = New-Object System.Text.UTF8Encoding $false

function Emit($obj) { [Console]::Out.WriteLine(($obj | ConvertTo-Json -Compress -Depth 5)); [Console]::Out.Flush() }
function Log($msg) { [Console]::Error.WriteLine((@{ level = 'info'; msg = $msg } | ConvertTo-Json -Compress)) }
function HResultOf($err) {
  $e = $err.Exception
  while ($e -ne $null) {
    if ($e.HResult -band 0x80000000 -or ($e.HResult -ne 0 -and $e.HResult -ne -2146233088)) { return ('0x{0:x8}' -f $e.HResult) }
    $e = $e.InnerException
  }
  return '0x80004005'
}

$WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES = 3086
$WIA_DPS_DOCUMENT_HANDLING_STATUS = 3087
$WIA_DPS_DOCUMENT_HANDLING_SELECT = 3088
$WIA_DPS_DOCUMENT_HANDLING_CAPACITY = 3089
$WIA_DPS_PAGES = 3096
$WIA_DPS_PAGE_SIZE = 3097
$WIA_IPA_DATATYPE = 4103
$WIA_IPA_DEPTH = 4104
$WIA_IPS_XRES = 6147
$WIA_IPS_YRES = 6148
$FORMAT_BMP = '{B96B3CAB-0728-11D3-9D7B-0000F81EF32E}'

function Find-Prop($props, [int]$id) { foreach ($p in $props) { if ($p.PropertyID -eq $id) { return $p } }; return $null }

function Report-Prop($item, [string]$where, [int]$id) {
  $p = Find-Prop $item.Properties $id
  if ($p -eq $null) { return }
  $ev = [ordered]@{ type = 'property'; item = $where; id = $id; name = $p.Name; value = $p.Value }
  if ($p.SubType -eq 2) { $ev.range = @{ min = $p.SubTypeMin; max = $p.SubTypeMax; step = $p.SubTypeStep } }
  if ($p.SubType -eq 3) { $ev.values = @($p.SubTypeValues | ForEach-Object { $_ }) }
  Emit $ev
}

function Set-Prop($item, [string]$where, [int]$id, $value) {
  # A driver that rejects one property still scans (NAPS2 "SafeSetProperty"): report and go on.
  $p = Find-Prop $item.Properties $id
  if ($p -eq $null) { Emit ([ordered]@{ type = 'set'; item = $where; id = $id; value = $value; ok = $false; reason = 'absent' }); return }
  try { $p.Value = $value; Emit ([ordered]@{ type = 'set'; item = $where; id = $id; name = $p.Name; value = $value; ok = $true }) }
  catch { Emit ([ordered]@{ type = 'set'; item = $where; id = $id; name = $p.Name; value = $value; ok = $false; hresult = (HResultOf $_) }) }
}

$line = [Console]::In.ReadLine()
if ($line -eq $null) { Emit @{ type = 'fatal'; message = 'no request on stdin' }; exit 2 }
$req = $line | ConvertFrom-Json
try { $manager = New-Object -ComObject WIA.DeviceManager }
catch { Emit @{ type = 'fatal'; message = "WIA is not available: $($_.Exception.Message)"; missing = 'wia' }; exit 3 }
Emit @{ type = 'ready'; helper = 'wia'; api = 'wiaaut'; protocol = 1 }

if ($req.op -eq 'list') {
  $n = 0
  foreach ($info in $manager.DeviceInfos) {
    if ($info.Type -ne 1) { continue } # 1 = ScannerDeviceType
    $get = { param($id) try { ($info.Properties | Where-Object { $_.PropertyID -eq $id }).Value } catch { '' } }
    Emit ([ordered]@{ type = 'device'; id = $info.DeviceID; name = (& $get 7); vendor = (& $get 3); description = (& $get 4) })
    $n++
  }
  Emit @{ type = 'done'; devices = $n }
  exit 0
}

$device = $null
try {
  foreach ($info in $manager.DeviceInfos) { if ($info.DeviceID -eq $req.device) { $device = $info.Connect() } }
  if ($device -eq $null) { Emit @{ type = 'error'; hresult = '0x80210015'; during = 'connect' }; exit 1 }
} catch { Emit @{ type = 'error'; hresult = (HResultOf $_); during = 'connect' }; exit 1 }
Emit @{ type = 'connected'; device = $req.device }
$item = $device.Items.Item(1)

if ($req.op -eq 'caps') {
  foreach ($id in @($WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES, $WIA_DPS_DOCUMENT_HANDLING_STATUS, $WIA_DPS_DOCUMENT_HANDLING_CAPACITY, 3074, 3075, 3076, 3077)) { Report-Prop $device 'root' $id }
  foreach ($id in @($WIA_IPA_DATATYPE, $WIA_IPA_DEPTH, $WIA_IPS_XRES, $WIA_IPS_YRES)) { Report-Prop $item 'item' $id }
  Emit @{ type = 'done' }
  exit 0
}

# scan
$feeder = $req.source -eq 'feeder'
if ($feeder) { Report-Prop $device 'root' $WIA_DPS_DOCUMENT_HANDLING_STATUS }
$select = if (-not $feeder) { 0x2 } elseif ($req.duplex) { 0x5 } else { 0x1 }
Set-Prop $device 'root' $WIA_DPS_DOCUMENT_HANDLING_SELECT $select
if ($feeder) { Set-Prop $device 'root' $WIA_DPS_PAGES 1 }
if ($req.pageSize -ne $null) { Set-Prop $device 'root' $WIA_DPS_PAGE_SIZE ([int]$req.pageSize) }
Set-Prop $item 'item' $WIA_IPA_DATATYPE ([int]$req.dataType)
Set-Prop $item 'item' $WIA_IPA_DEPTH $(switch ([int]$req.dataType) { 3 { 24 } 2 { 8 } default { 1 } })
Set-Prop $item 'item' $WIA_IPS_XRES ([int]$req.resolution)
Set-Prop $item 'item' $WIA_IPS_YRES ([int]$req.resolution)

$cancel = $false
$reader = [System.Threading.Tasks.Task]::Run([Func[string]] { [Console]::In.ReadLine() })
$index = 0
while ($true) {
  if ($reader.IsCompleted) { $cancel = $true }
  if ($cancel) { Emit @{ type = 'cancelled'; pages = $index }; exit 0 }
  $index++
  Emit @{ type = 'transfer'; index = $index }
  try { $image = $item.Transfer($FORMAT_BMP) }
  catch {
    $hr = HResultOf $_
    Emit @{ type = 'error'; hresult = $hr; index = $index; during = 'transfer' }
    if ($hr -eq '0x80210003' -and $index -gt 1) { exit 0 } else { exit 1 }
  }
  $name = 'w{0:d6}.bmp' -f $index
  $path = Join-Path $req.outDir $name
  $tmp = "$path.part"
  if (Test-Path $tmp) { Remove-Item $tmp }
  $image.SaveFile($tmp)
  Move-Item -Force $tmp $path
  Emit @{ type = 'page'; index = $index; file = $name; width = $image.Width; height = $image.Height }
  if (-not $feeder) { Emit @{ type = 'done'; pages = $index }; exit 0 }
}
