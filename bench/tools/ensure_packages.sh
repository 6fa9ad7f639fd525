# Sourced by the bench scripts (after they define log and die): ensure_packages PKG... installs
# the Debian packages that are missing (as root), or says what to install.
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        log "tools present: $*"
        return
    fi
    ((EUID == 0)) || die "missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
