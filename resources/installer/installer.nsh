; SoHoa Station — NSIS additions (electron-builder `nsis.include`).
; Silent per-machine install for IT staff:  SoHoa-Station-Setup-x.y.z.exe /S
; If station-config.json lies next to the installer, it becomes the station's pre-set configuration.

!macro customInstall
  SetShellVarContext all
  CreateDirectory "$APPDATA\SoHoa Station"
  CreateDirectory "$APPDATA\SoHoa Station\config"
  ; The data directory is shared by the clerks of this PC: Users may modify, nobody else may read.
  nsExec::ExecToLog 'icacls "$APPDATA\SoHoa Station" /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" "*S-1-5-32-545:(OI)(CI)M"'
  IfFileExists "$EXEDIR\station-config.json" 0 +3
    CopyFiles /SILENT "$EXEDIR\station-config.json" "$APPDATA\SoHoa Station\config\station-config.json"
    DetailPrint "Pre-set configuration copied from $EXEDIR\station-config.json"
!macroend

!macro customUnInstall
  ; Dossiers, pages and the database stay: they are records, removed only by the retention policy.
  DetailPrint "Data in %ProgramData%\SoHoa Station is kept."
!macroend
