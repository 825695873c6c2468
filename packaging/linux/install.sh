#!/bin/sh
# Put Arquivo in this user's applications menu, without root.
#
# Run it from the unpacked package:  ./install.sh
# It copies the app to ~/.local/opt/arquivo, links ~/.local/bin/arquivo-desktop, and adds the
# menu entry, the icons and the AppStream metadata under ~/.local/share.  ./uninstall.sh (also
# copied there) takes it all out again; your documents' index and chats stay unless --purge.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=${ARQUIVO_PREFIX:-$HOME/.local/opt/arquivo}
bin_dir=$HOME/.local/bin
app_id=io.github.arquivo.Arquivo

if [ ! -x "$here/arquivo-desktop" ]; then
    echo "install.sh: run me from the unpacked Arquivo package (arquivo-desktop is missing here)" >&2
    exit 1
fi

if [ "$here" != "$prefix" ]; then
    rm -rf "$prefix.new"
    mkdir -p "$(dirname "$prefix")"
    cp -a "$here" "$prefix.new"
    rm -rf "$prefix"
    mv "$prefix.new" "$prefix"
fi

mkdir -p "$bin_dir" "$data_home/applications" "$data_home/metainfo"
ln -sf "$prefix/arquivo-desktop" "$bin_dir/arquivo-desktop"

# The menu entry runs the installed copy by its full path: ~/.local/bin is not on every PATH.
sed "s|^Exec=arquivo-desktop|Exec=\"$prefix/arquivo-desktop\"|" \
    "$prefix/share/applications/$app_id.desktop" > "$data_home/applications/$app_id.desktop"
cp "$prefix/share/metainfo/$app_id.metainfo.xml" "$data_home/metainfo/"
for icon in "$prefix"/share/icons/hicolor/*/apps/*; do
    size=$(basename "$(dirname "$(dirname "$icon")")")
    ext=${icon##*.}
    mkdir -p "$data_home/icons/hicolor/$size/apps"
    cp "$icon" "$data_home/icons/hicolor/$size/apps/$app_id.$ext"
done

# Menus pick the entry up by themselves; these only make it quicker where they exist.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data_home/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$data_home/icons/hicolor" 2>/dev/null || true
fi

echo "Arquivo is installed in $prefix and in your applications menu."
echo "Start it from the menu, or run: $bin_dir/arquivo-desktop"
