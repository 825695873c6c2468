#!/bin/sh
# Take Arquivo out of this user's applications menu (what install.sh put in).
#
#   ./uninstall.sh           removes the app; your index, chats, settings and models stay
#   ./uninstall.sh --purge   also deletes Arquivo's data folder and its settings
set -eu

purge=no
case "${1:-}" in
    --purge) purge=yes ;;
    "") ;;
    *) echo "usage: uninstall.sh [--purge]" >&2; exit 2 ;;
esac

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
prefix=${ARQUIVO_PREFIX:-$HOME/.local/opt/arquivo}
app_id=io.github.arquivo.Arquivo

rm -f "$data_home/applications/$app_id.desktop" "$data_home/metainfo/$app_id.metainfo.xml"
rm -f "$data_home"/icons/hicolor/*/apps/"$app_id".png "$data_home"/icons/hicolor/*/apps/"$app_id".svg
link="$HOME/.local/bin/arquivo-desktop"
if [ -L "$link" ] && [ "$(readlink "$link")" = "$prefix/arquivo-desktop" ]; then rm -f "$link"; fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data_home/applications" 2>/dev/null || true
fi

if [ "$purge" = yes ]; then
    # The data folder is the one chosen in the app's settings, else the default one.
    data_dir=$data_home/arquivo
    if [ -f "$config_home/arquivo/data-dir.txt" ]; then
        data_dir=$(cat "$config_home/arquivo/data-dir.txt")
    fi
    rm -rf "$data_dir" "$config_home/arquivo"
    echo "Removed Arquivo's data ($data_dir) and settings."
else
    echo "Your index, chats and settings are kept in $data_home/arquivo (--purge deletes them)."
fi
echo "Arquivo is uninstalled."
# Last, and in one line: this script may be running from inside $prefix.
rm -rf "$prefix"; exit 0
