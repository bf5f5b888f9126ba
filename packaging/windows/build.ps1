# Build the Windows installer of 保修台 on a Windows PC (PowerShell):
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs: Python 3.11+ (python.org, "Add to PATH") and Inno Setup 6.5+ (jrsoftware.org).
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
# the command line beside the window (a console program): a demo office and its warranty cards
$smoke = Join-Path $env:TEMP "wd-smoke-cli-$version"
Remove-Item -Recurse -Force $smoke -ErrorAction SilentlyContinue
New-Item -ItemType Directory $smoke | Out-Null
$env:WARRANTY_DESK_DATA = Join-Path $smoke "data"
$cli = "dist\WarrantyDesk-$version-windows\warranty-desk.exe"
& $cli --db "$smoke\x.db" demo
if ($LASTEXITCODE -ne 0) { throw "warranty-desk.exe demo failed" }
$code = & $py -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT code FROM project ORDER BY id').fetchone()[0])" "$smoke\x.db"
& $cli --db "$smoke\x.db" print cards $code -o "$smoke\cards.pdf"
if ($LASTEXITCODE -ne 0) { throw "warranty-desk.exe print cards failed" }
Remove-Item Env:\WARRANTY_DESK_DATA

$iscc = @("${env:ProgramFiles(x86)}\Inno Setup 7\ISCC.exe", "$env:ProgramFiles\Inno Setup 7\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 7\ISCC.exe",
          "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $iscc) { throw "Inno Setup (6.5 or newer) not found: install it from jrsoftware.org, then run this again" }
# the script stops by itself without packaging\windows\ChineseSimplified.isl or on a compiler older than 6.5
& $iscc "/DAppVersion=$version" packaging\windows\warranty_desk.iss
if ($LASTEXITCODE -ne 0) { throw "ISCC failed" }
Write-Host "installer: dist\WarrantyDesk-$version-setup.exe"
