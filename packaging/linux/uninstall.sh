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
# The desktop's caches and the folders install.sh made: refreshed where other apps still
# use them, removed where nothing else is left in them.
# A folder that is a link (to a dotfiles folder, say), or that find cannot read through,
# is never removed, only refreshed. ~/.local/bin stays: a login adds it to PATH if it exists.
leave_or_refresh() {  # folder, cache file name, command that rebuilds the cache
    folder=$1 cache=$2
    shift 2
    [ -d "$folder" ] || return 0
    if [ ! -L "$folder" ] && others=$(find "$folder" -mindepth 1 ! -name "$cache" ! -type d -print) \
        && [ -z "$others" ]; then
        rm -rf "$folder" || true
    elif command -v "$1" >/dev/null 2>&1; then
        "$@" 2>/dev/null || true
    fi
}
leave_or_refresh "$data_home/applications" mimeinfo.cache \
    update-desktop-database -q "$data_home/applications"
leave_or_refresh "$data_home/icons/hicolor" icon-theme.cache \
    gtk-update-icon-cache -q -t "$data_home/icons/hicolor"
for folder in "$data_home/icons" "$data_home/metainfo"; do
    rmdir "$folder" 2>/dev/null || true
done

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
rm -rf "$prefix"; rmdir "$(dirname "$prefix")" 2>/dev/null; exit 0
