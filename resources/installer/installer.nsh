; SoHoa Station — NSIS additions (electron-builder `nsis.include`).
; Silent per-machine install for IT staff:  SoHoa-Station-Setup-x.y.z.exe /S
; If station-config.json lies next to the installer, it becomes the station's pre-set configuration.

!macro customInstall
  SetShellVarContext all
  CreateDirectory "$APPDATA\SoHoa Station"
  CreateDirectory "$APPDATA\SoHoa Station\config"
  ; The data directory holds citizens' records: only the clerks IT puts in the local group "SoHoa Station Users"
  ; may modify it (not BUILTIN\Users = every account of the PC); SYSTEM and Administrators keep full control.
  nsExec::ExecToLog 'net localgroup "SoHoa Station Users" /add /comment:"Clerks who scan at this SoHoa Station counter"'
  nsExec::ExecToLog 'icacls "$APPDATA\SoHoa Station" /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" "SoHoa Station Users:(OI)(CI)M"'
  DetailPrint "Add the clerks of this counter to the local group SoHoa Station Users: net localgroup $\"SoHoa Station Users$\" DOMAIN\user /add"
  IfFileExists "$EXEDIR\station-config.json" 0 +3
    CopyFiles /SILENT "$EXEDIR\station-config.json" "$APPDATA\SoHoa Station\config\station-config.json"
    DetailPrint "Pre-set configuration copied from $EXEDIR\station-config.json"
!macroend

!macro customUnInstall
  ; Dossiers, pages and the database stay: they are records, removed only by the retention policy.
  DetailPrint "Data in %ProgramData%\SoHoa Station is kept."
!macroend
