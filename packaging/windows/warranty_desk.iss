; 保修台 Warranty Desk — Windows installer (Inno Setup 6.5 or newer).
; Build on a Windows PC (see README, "Building the Windows installer"):
;   packaging\windows\build.ps1            (PyInstaller bundle, then this script)
; or by hand, after the bundle exists in dist\WarrantyDesk-<version>-windows\:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\warranty_desk.iss
;
; Installs into Program Files (or, without administrator rights, the user's own Programs folder),
; adds a Start-menu entry and, if ticked, a desktop shortcut. The clerk's data (database, backups,
; attachments) lives in %LOCALAPPDATA%\WarrantyDesk (platformdirs), never in the install folder:
; an upgrade replaces the program files only and the uninstaller leaves the data alone.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "保修台 Warranty Desk"
#define AppExe "warranty-desk-gui.exe"
#define CliExe "warranty-desk.exe"

; The installer speaks Chinese first. Its screens come from ChineseSimplified.isl beside this script
; (Inno Setup's own translation, see LICENSE-InnoSetup.txt; its messages are those of 6.5.0 and later).
; Without it the build stops: it never quietly makes an English-only installer.
#if Ver < EncodeVer(6, 5, 0)
  #error Inno Setup 6.5 or newer is needed (ChineseSimplified.isl has the messages of 6.5.0)
#endif
#if !FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #error packaging\windows\ChineseSimplified.isl is missing: the installer would have no Chinese screens
#endif
#define BundleDir "..\..\dist\WarrantyDesk-" + AppVersion + "-windows"

[Setup]
; the AppId never changes: it is how a newer installer finds and upgrades the installed program
AppId={{6E3C1B7A-4D2F-4B8E-9A51-3F0D2C7B9E14}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=保修台 Warranty Desk
DefaultDirName={autopf}\WarrantyDesk
DefaultGroupName=保修台
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=WarrantyDesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\warranty_desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
VersionInfoVersion={#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; close a running 保修台 before replacing its files, start it again afterwards
CloseApplications=yes
RestartApplications=no
ChangesAssociations=yes
; the Chinese screens without asking; an English Windows still gets them unless the clerk picks English
ShowLanguageDialog=auto

[Languages]
Name: "chinesesimp"; MessagesFile: "ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimp.DesktopIcon=在桌面创建快捷方式
chinesesimp.LaunchApp=立即启动保修台
chinesesimp.CliShortcut=保修台命令行
chinesesimp.BackupFile=保修台备份
english.DesktopIcon=Create a desktop shortcut
english.LaunchApp=Start Warranty Desk now
english.CliShortcut=Warranty Desk command line
english.BackupFile=Warranty Desk backup

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"

[InstallDelete]
; an upgrade removes the previous version's libraries first, so no stale DLL stays behind;
; the user data folder is elsewhere and untouched
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\保修台"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "工程回访与保修管理"
Name: "{autodesktop}\保修台"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon
; the command line ({#CliExe}, a console program beside the window): a console window in the program folder
Name: "{group}\{cm:CliShortcut}"; Filename: "{cmd}"; Parameters: "/K ""{app}\{#CliExe}"" --help"; WorkingDir: "{userdocs}"

[Registry]
; a double-clicked backup (.wdbak) opens 保修台's restore dialog (warranty-desk-gui.exe FILE)
Root: HKA; Subkey: "Software\Classes\.wdbak\OpenWithProgids"; ValueType: string; ValueName: "WarrantyDesk.Backup"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\WarrantyDesk.Backup"; ValueType: string; ValueName: ""; ValueData: "{cm:BackupFile}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\WarrantyDesk.Backup\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\WarrantyDesk.Backup\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

; no [UninstallDelete] for %LOCALAPPDATA%\WarrantyDesk: uninstalling never deletes the office's data
