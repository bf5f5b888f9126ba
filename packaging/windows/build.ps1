# Build the Windows installer of 保修台 on a Windows PC (PowerShell):
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs: Python 3.11+ (python.org, "Add to PATH") and Inno Setup 6.3+ (jrsoftware.org).
# Output: dist\WarrantyDesk-<version>-windows\ (the one-folder app) and
#         dist\WarrantyDesk-<version>-setup.exe (the installer to hand to the office).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

python dev.py setup
if ($LASTEXITCODE -ne 0) { throw "dev.py setup failed" }
$py = ".venv\Scripts\python.exe"
& $py -m pip install -q -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
$version = & $py -c "from warranty_desk import __version__; print(__version__)"

& $py packaging\i18n.py compile
& $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\warranty_desk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# smoke run of the built program on a throw-away data folder
$env:WARRANTY_DESK_DATA = Join-Path $env:TEMP "wd-smoke-$version"
$env:QT_QPA_PLATFORM = "offscreen"
$p = Start-Process -FilePath "dist\WarrantyDesk-$version-windows\warranty-desk-gui.exe" -ArgumentList "--smoke" -Wait -PassThru
Remove-Item Env:\QT_QPA_PLATFORM; Remove-Item Env:\WARRANTY_DESK_DATA
if ($p.ExitCode -ne 0) { throw "smoke run failed (exit $($p.ExitCode))" }

$iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $iscc) { throw "Inno Setup 6 not found: install it from jrsoftware.org, then run this again" }
& $iscc "/DAppVersion=$version" packaging\windows\warranty_desk.iss
if ($LASTEXITCODE -ne 0) { throw "ISCC failed" }
Write-Host "installer: dist\WarrantyDesk-$version-setup.exe"
