#!/usr/bin/env bash
# Install the built one-folder app (dist/WarrantyDesk-<version>-linux/) for the current user:
# the program under ~/.local/opt, a launcher in ~/.local/bin, the menu entry and the icons.
# User data stays in ~/.local/share/WarrantyDesk (platformdirs) and is never touched here.
#   packaging/linux/install.sh [path/to/WarrantyDesk-x.y.z-linux]      (uninstall: --uninstall)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="${PREFIX:-$HOME/.local}"
target="$prefix/opt/warranty-desk"
apps="$prefix/share/applications"
icons="$prefix/share/icons/hicolor"

if [[ "${1:-}" == "--uninstall" ]]; then
  rm -rf "$target" "$prefix/bin/warranty-desk-gui" "$prefix/bin/warranty-desk" "$apps/warranty-desk.desktop" \
    "$prefix/share/mime/packages/warranty-desk.xml"
  for size in 16 24 32 48 64 128 256; do rm -f "$icons/${size}x${size}/apps/warranty-desk.png"; done
  rm -f "$icons/scalable/apps/warranty-desk.svg"
  echo "removed (your data in ~/.local/share/WarrantyDesk is kept)"
  exit 0
fi

bundle="${1:-$(ls -d "$root"/dist/WarrantyDesk-*-linux 2>/dev/null | sort -V | tail -1)}"
if [[ -z "$bundle" || ! -x "$bundle/warranty-desk-gui" ]]; then
  echo "no built bundle found; run packaging/build.sh first" >&2
  exit 2
fi
mkdir -p "$prefix/opt" "$prefix/bin" "$apps"
rm -rf "$target.new"
cp -a "$bundle" "$target.new"
rm -rf "$target"
mv "$target.new" "$target"
ln -sf "$target/warranty-desk-gui" "$prefix/bin/warranty-desk-gui"
ln -sf "$target/warranty-desk" "$prefix/bin/warranty-desk"  # the command line beside the window
sed "s|^Exec=.*|Exec=$target/warranty-desk-gui %f|; s|^TryExec=.*|TryExec=$target/warranty-desk-gui|" \
  "$here/warranty-desk.desktop" > "$apps/warranty-desk.desktop"
shipped="$target/_internal/warranty_desk/resources/icons"  # the bundle's own copy of the icons
for size in 16 24 32 48 64 128 256; do
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$shipped/warranty_desk_${size}.png" "$icons/${size}x${size}/apps/warranty-desk.png"
done
mkdir -p "$icons/scalable/apps"
cp "$shipped/warranty_desk.svg" "$icons/scalable/apps/warranty-desk.svg"
# .wdbak backups open with 保修台 (its restore dialog)
mkdir -p "$prefix/share/mime/packages"
cp "$here/warranty-desk-mime.xml" "$prefix/share/mime/packages/warranty-desk.xml"
command -v update-mime-database >/dev/null && update-mime-database "$prefix/share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$icons" 2>/dev/null || true
echo "installed $(basename "$bundle") to $target; start it from the menu (保修台) or with warranty-desk-gui;"
echo "the command line: warranty-desk (in $prefix/bin)"
