#!/bin/bash
# The .deb's post-install script (electron-builder.yml `deb.afterInstall`; docs/deployment.md §11). Setting
# afterInstall replaces electron-builder's own script, so its steps come first, copied unchanged from
# app-builder-lib's templates/linux/after-install.tpl (test/integration/packaging/packaging-dry-run.test.ts fails when
# that template changes and this copy does not). electron-builder fills in its dollar-brace macros (executable, sanitizedProductName) when it makes the deb;
# Dayroom's own steps therefore write shell variables without braces.


if type update-alternatives >/dev/null 2>&1; then
    # Remove previous link if it doesn't use update-alternatives
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
    ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# Install apparmor profile. (Ubuntu 24+)
# First check if the version of AppArmor running on the device supports our profile.
# This is in order to keep backwards compatibility with Ubuntu 22.04 which does not support abi/4.0.
# In that case, we just skip installing the profile since the app runs fine without it on 22.04.
#
# Those apparmor_parser flags are akin to performing a dry run of loading a profile.
# https://wiki.debian.org/AppArmor/HowToUse#Dumping_profiles
#
# Unfortunately, at the moment AppArmor doesn't have a good story for backwards compatibility.
# https://askubuntu.com/questions/1517272/writing-a-backwards-compatible-apparmor-profile
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"

    # Updating the current AppArmor profile is not possible and probably not meaningful in a chroot'ed environment.
    # Use cases are for example environments where images for clients are maintained.
    # There, AppArmor might correctly be installed, but live updating makes no sense.
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      # Extra flags taken from dh_apparmor:
      # > By using '-W -T' we ensure that any abstraction updates are also pulled in.
      # https://wiki.debian.org/AppArmor/Contribute/FirstTimeProfileImport
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi

# ---- Dayroom ----
# The card readers' udev rules into /etc/udev/rules.d/ and the site file's folder /etc/dayroom, where
# docs/deployment.md §4 says they go. A site file is never written or changed here: it is the facility's.
# DPKG_ROOT is set by dpkg when it installs into another root (an image being built); there udev is not running and
# reads the rules at that system's boot.
dayroom_root=$DPKG_ROOT
dayroom_rules_source='/opt/${sanitizedProductName}/resources/deploy/linux/70-dayroom-readers.rules'
dayroom_rules_target="$dayroom_root/etc/udev/rules.d/70-dayroom-readers.rules"

if [ ! -f "$dayroom_root$dayroom_rules_source" ]; then
  echo "Dayroom: the card readers' udev rules are missing from the package ($dayroom_rules_source); reinstall the package." >&2
  exit 1
fi
mkdir -p "$dayroom_root/etc/udev/rules.d"
# Written beside the target and renamed over it, so a power cut leaves the old rules or the new, never half a file.
install -m 0644 "$dayroom_root$dayroom_rules_source" "$dayroom_rules_target.dpkg-dayroom" &&
  sync "$dayroom_rules_target.dpkg-dayroom" &&
  mv -f "$dayroom_rules_target.dpkg-dayroom" "$dayroom_rules_target" || {
  echo "Dayroom: could not install the card readers' udev rules to $dayroom_rules_target." >&2
  exit 1
}

if [ ! -d "$dayroom_root/etc/dayroom" ]; then
  mkdir -p "$dayroom_root/etc/dayroom"
  chmod 0755 "$dayroom_root/etc/dayroom"
fi
if [ ! -e "$dayroom_root/etc/dayroom/site.yaml" ]; then
  echo "Dayroom: no site file yet. Run /opt/${sanitizedProductName}/resources/deploy/linux/install-kiosk.sh --variant electron, then put the facility's site file at /etc/dayroom/site.yaml (docs/deployment.md §4)."
fi

if [ -z "$dayroom_root" ] && command -v udevadm >/dev/null 2>&1; then
  # A reader already plugged in gets the group's permissions now, not at the next plug-in or boot.
  udevadm control --reload && udevadm trigger --subsystem-match=hidraw --subsystem-match=tty ||
    echo "Dayroom: udev did not reload its rules (is udev running?); they apply from the next boot."
fi
