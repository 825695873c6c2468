; Inno Setup script: a per-user installer (no administrator rights) for the folder that
; packaging\build.py leaves in dist\arquivo: the app PyInstaller froze from
; packaging\arquivo.spec, with the default models in dist\arquivo\models, checked against
; their pinned sha256 as on Linux. Built by .github/workflows/package.yml; not run here.
; Steps by hand: packaging\README.md, "Windows".

#define AppVersion "0.1.0"

[Setup]
AppId={{6B0F6A4E-2C57-4E59-9A0B-A7C1D0A5E3F1}
AppName=Arquivo
AppVersion={#AppVersion}
AppPublisher=The Arquivo developers
DefaultDirName={localappdata}\Programs\Arquivo
DefaultGroupName=Arquivo
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=arquivo-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
LicenseFile=..\..\LICENSE
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\arquivo\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Arquivo"; Filename: "{app}\arquivo-desktop.exe"
Name: "{group}\Uninstall Arquivo"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\arquivo-desktop.exe"; Description: "Start Arquivo"; Flags: nowait postinstall skipifsilent
