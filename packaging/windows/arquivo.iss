; Inno Setup script: a per-user installer for the folder PyInstaller builds from
; packaging/arquivo.spec (dist\arquivo). Built by .github/workflows/package.yml; not run here.
; Not yet like the Linux package: the models are not copied into dist\arquivo\models here,
; so the installed app needs them in its data folder (packaging\fetch_models.py).

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
