#!/bin/bash
# Sets up the Dayroom kiosk session on a Debian 12 machine (docs/deployment.md): the system user and group `dayroom`,
# the udev rules for the card readers, the PAM stack and systemd units of the chosen variant, the site file's place
# and the data folder, and enables the session so it starts at boot.
#
#   sudo deploy/linux/install-kiosk.sh --variant electron     # the packaged app (the deb) under cage
#   sudo deploy/linux/install-kiosk.sh --variant webhost      # the web host + Chromium under cage
#   deploy/linux/install-kiosk.sh --variant electron --root /tmp/image   # into an image or a scratch root
#
# Run it again at any time: it changes only what differs, and never overwrites a site file that is there. Every file
# is written to a temporary name beside it, flushed, and renamed over the old one, so a power cut in the middle leaves
# each file whole, old or new, never half-written; a second run finishes the job.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=/
variant=

usage() {
  cat <<'USAGE'
usage: install-kiosk.sh --variant electron|webhost [--root DIR]
  --variant electron   the Electron app under cage on tty1, run from /opt/dayroom-app (first copied from the deb's
                       /opt/Dayroom, then updated from the hub)
  --variant webhost    the web host (/opt/dayroom-host/current) and Debian's Chromium in --kiosk under cage on tty1
  --root DIR           install into DIR instead of / (an image being built, or a test's scratch root);
                       DIR must hold etc/passwd, etc/group, etc/shadow and etc/gshadow
USAGE
}

fail() {
  echo "install-kiosk.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --variant)
      [ $# -ge 2 ] || fail "--variant needs a value: electron or webhost"
      variant=$2
      shift 2
      ;;
    --variant=*)
      variant=${1#--variant=}
      shift
      ;;
    --root)
      [ $# -ge 2 ] || fail "--root needs a folder"
      root=$2
      shift 2
      ;;
    --root=*)
      root=${1#--root=}
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      fail "unknown argument: $1"
      ;;
  esac
done

case "$variant" in
  electron) units=(dayroom-kiosk.service) other_units=(dayroom-webhost.service dayroom-webhost-browser.service) ;;
  webhost) units=(dayroom-webhost.service dayroom-webhost-browser.service) other_units=(dayroom-kiosk.service) ;;
  '') usage >&2; fail "say which variant: --variant electron or --variant webhost" ;;
  *) usage >&2; fail "unknown variant \"$variant\": it is electron or webhost" ;;
esac

[ -d "$root" ] || fail "the root folder $root does not exist"
root=$(cd "$root" && pwd)
if [ "$root" = / ] && [ "$(id -u)" -ne 0 ]; then
  fail "installing on this machine needs root: run it with sudo"
fi
for file in etc/passwd etc/group etc/shadow etc/gshadow; do
  [ -f "$root/$file" ] || fail "$root/$file is missing: --root must be a system's root folder"
done
command -v systemctl > /dev/null || fail "systemctl is missing: the kiosk session needs systemd"

# A path inside the root; "$(at /etc)" is /etc on this machine and DIR/etc in an image.
at() {
  if [ "$root" = / ]; then printf '%s' "$1"; else printf '%s%s' "$root" "$1"; fi
}

changed=0
# The temp file being written, removed if the script stops half-way, so no stray half file is left for anyone to take
# as real (a power cut leaves one with a hidden name, which a second run never reads and replaces).
pending_temp=
trap 'if [ -n "$pending_temp" ]; then rm -f "$pending_temp"; fi' EXIT

# Writes stdin to PATH with MODE and OWNER:GROUP (numeric), atomically: a temp file in the same folder, fsynced,
# then renamed over PATH, and the folder fsynced. Leaves PATH alone when it already holds the same bytes and mode.
install_file() {
  local path=$1 mode=$2 owner=$3 group=$4
  local target temp
  target=$(at "$path")
  mkdir -p "$(dirname "$target")"
  # A temp file of an earlier run that a power cut stopped half-way: never read, removed here.
  rm -f "$(dirname "$target")/.$(basename "$target")."??????
  temp=$(mktemp "$(dirname "$target")/.$(basename "$target").XXXXXX")
  pending_temp=$temp
  cat > "$temp"
  chown "$owner:$group" "$temp"
  chmod "$mode" "$temp"
  if [ -f "$target" ] && cmp -s "$temp" "$target" \
    && [ "$(stat -c '%a %u %g' "$target")" = "$(stat -c '%a %u %g' "$temp")" ]; then
    rm -f "$temp"
    pending_temp=
    return 0
  fi
  sync "$temp"
  mv -f "$temp" "$target"
  pending_temp=
  sync "$(dirname "$target")"
  echo "installed $path"
  changed=1
}

lookup_id() { # lookup_id passwd|group NAME: the numeric id NAME has in the root's own files
  awk -F: -v name="$2" '$1 == name { print $3; found = 1 } END { exit !found }' "$(at "/etc/$1")"
}

# 1. The group and the user. The udev rules give the readers' device nodes to group dayroom; the user has it as its
# own group, no shell, no password, and its home is the data folder.
#
# groupadd and useradd cut off half-way (a power cut, a kill) leave two things behind: a lock file naming a process
# that no longer runs, which makes every later call refuse "cannot lock /etc/group; try again later", and a group or
# user in etc/group or etc/passwd but not yet in etc/gshadow or etc/shadow. A lock whose process is gone (or a zombie
# no one has reaped) is removed; a lock held by a running process (an administrator's vipw) is left, and useradd says so.
for database in passwd group shadow gshadow; do
  lock=$(at "/etc/$database.lock")
  [ -f "$lock" ] || continue
  holder=$(tr -dc '0-9' < "$lock" || true)
  if [ -z "$holder" ] || [ ! -e "/proc/$holder" ] || [ "$(awk '{ print $3 }' "/proc/$holder/stat" 2> /dev/null)" = Z ]; then
    rm -f "$lock"
    echo "removed /etc/$database.lock, left by a process that no longer runs"
  fi
done
if lookup_id group dayroom > /dev/null && ! grep -q '^dayroom:' "$(at /etc/gshadow)"; then
  grpconv --root "$root"
  echo "completed etc/gshadow (a groupadd was cut off)"
  changed=1
fi
if lookup_id passwd dayroom > /dev/null && ! grep -q '^dayroom:' "$(at /etc/shadow)"; then
  pwconv --root "$root"
  echo "completed etc/shadow (a useradd was cut off)"
  changed=1
fi
if ! lookup_id group dayroom > /dev/null; then
  groupadd --root "$root" --system dayroom
  echo "created group dayroom"
  changed=1
fi
if ! lookup_id passwd dayroom > /dev/null; then
  useradd --root "$root" --system --gid dayroom --home-dir /var/lib/dayroom --no-create-home \
    --shell /usr/sbin/nologin --comment "Dayroom kiosk" dayroom
  echo "created user dayroom"
  changed=1
fi
uid=$(lookup_id passwd dayroom)
gid=$(lookup_id group dayroom)

# 2. The data folder (the store, the credential, the logs): the kiosk user's alone.
data=$(at /var/lib/dayroom)
if [ ! -d "$data" ]; then
  mkdir -p "$data"
  echo "created /var/lib/dayroom"
  changed=1
fi
if [ "$(stat -c '%a %u %g' "$data")" != "700 $uid $gid" ]; then
  chown "$uid:$gid" "$data"
  chmod 0700 "$data"
  echo "set /var/lib/dayroom to 0700 dayroom:dayroom"
  changed=1
fi

# 3. The site file's place: /etc/dayroom/site.yaml, root's to write and the kiosk's to read. Never overwritten: a
# site file that is there is the facility's. A new one is a placeholder that stops the start in words until filled in.
if [ ! -d "$(at /etc/dayroom)" ]; then
  mkdir -p "$(at /etc/dayroom)"
  chmod 0755 "$(at /etc/dayroom)"
  changed=1
fi
if [ ! -e "$(at /etc/dayroom/site.yaml)" ]; then
  install_file /etc/dayroom/site.yaml 0640 0 "$gid" <<'SITE'
# The Dayroom site file: replace this with the facility's (docs/deployment.md §4; examples in kiosk-config/examples/).
# Until it names the site, the device and its readers, the kiosk does not start, and the journal says what is missing.
SITE
else
  # The facility's file stays as it is; only who may read it is put right.
  site=$(at /etc/dayroom/site.yaml)
  if [ "$(stat -c '%a %u %g' "$site")" != "640 0 $gid" ]; then
    chown "0:$gid" "$site"
    chmod 0640 "$site"
    echo "set /etc/dayroom/site.yaml to 0640 root:dayroom (its content is kept)"
    changed=1
  fi
fi

# 4. Reader access, the session's PAM stack and the units.
install_file /etc/udev/rules.d/70-dayroom-readers.rules 0644 0 0 < "$here/70-dayroom-readers.rules"
install_file /etc/pam.d/dayroom-kiosk 0644 0 0 < "$here/pam-dayroom-kiosk"
for unit in "${units[@]}"; do
  install_file "/etc/systemd/system/$unit" 0644 0 0 < "$here/$unit"
done
if [ "$variant" = webhost ]; then
  install_file /usr/lib/dayroom/dayroom-webhost-browser 0755 0 0 < "$here/dayroom-webhost-browser"
fi
install_file /usr/lib/dayroom/dayroom-launch 0755 0 0 < "$here/dayroom-launch"

# 4b. The app's install root (docs/deployment.md §12 "Updates"): one folder per version under versions/, `current`
# naming the one the launcher starts. The kiosk user's, because the app installs its own updates there.
case "$variant" in
  electron) app_root=/opt/dayroom-app ;;
  webhost) app_root=/opt/dayroom-host ;;
esac
for folder in "$app_root" "$app_root/versions"; do
  if [ ! -d "$(at "$folder")" ]; then
    mkdir -p "$(at "$folder")"
    echo "created $folder"
    changed=1
  fi
  if [ "$(stat -c '%a %u %g' "$(at "$folder")")" != "755 $uid $gid" ]; then
    chown "$uid:$gid" "$(at "$folder")"
    chmod 0755 "$(at "$folder")"
    echo "set $folder to 0755 dayroom:dayroom"
    changed=1
  fi
done
# An Electron kiosk's first version is the one the deb installed in /opt/Dayroom: copied in whole (to a hidden name,
# flushed, then renamed, so a cut leaves no half version), once. Later versions come from the hub.
if [ "$variant" = electron ] && [ ! -L "$(at "$app_root/current")" ] && [ -x "$(at /opt/Dayroom/dayroom)" ]; then
  version=$(sed -n 's/^ *"version": *"\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)".*/\1/p' "$(at /opt/Dayroom/resources/app-package.json)" 2> /dev/null | head -n 1)
  [ -n "$version" ] || fail "/opt/Dayroom/resources/app-package.json names no version: is the deb a Dayroom package?"
  versions=$(at "$app_root/versions")
  rm -rf "$versions/.incoming-$version"
  cp -a "$(at /opt/Dayroom)" "$versions/.incoming-$version"
  chown -R "$uid:$gid" "$versions/.incoming-$version"
  sync -f "$versions/.incoming-$version"
  rm -rf "${versions:?}/$version"
  mv "$versions/.incoming-$version" "$versions/$version"
  ln -sfn "versions/$version" "$(at "$app_root/.current.next")"
  chown -h "$uid:$gid" "$(at "$app_root/.current.next")"
  mv -T "$(at "$app_root/.current.next")" "$(at "$app_root/current")"
  sync -f "$(at "$app_root")"
  echo "installed version $version from /opt/Dayroom as $app_root/current"
  changed=1
fi
if [ ! -L "$(at "$app_root/current")" ]; then
  echo "note: $app_root/current names no version yet; the app does not start until it does (docs/deployment.md §3, §12)"
fi

# 5. Enabled at boot, and the other variant's units disabled: both would want tty1.
systemctl_root=(systemctl "--root=$root")
for unit in "${other_units[@]}"; do
  if [ -e "$(at "/etc/systemd/system/$unit")" ] && "${systemctl_root[@]}" --quiet is-enabled "$unit" 2> /dev/null; then
    "${systemctl_root[@]}" --quiet disable "$unit"
    echo "disabled $unit (the other variant)"
    changed=1
  fi
done
for unit in "${units[@]}"; do
  if ! "${systemctl_root[@]}" --quiet is-enabled "$unit" 2> /dev/null; then
    "${systemctl_root[@]}" --quiet enable "$unit"
    echo "enabled $unit"
    changed=1
  fi
done

# 6. On a running system, systemd and udev read what changed; the session starts at the next boot (or now, by hand:
# docs/deployment.md says how). In an image there is nothing running to tell.
if [ "$root" = / ] && [ -d /run/systemd/system ] && [ "$changed" = 1 ]; then
  systemctl daemon-reload
  udevadm control --reload && udevadm trigger --subsystem-match=hidraw --subsystem-match=tty
fi

if [ "$changed" = 1 ]; then
  echo "Dayroom kiosk session ($variant) installed in $root."
else
  echo "Dayroom kiosk session ($variant) already installed in $root: nothing changed."
fi
