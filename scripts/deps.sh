#!/usr/bin/env bash
# scripts/deps.sh [build|test|fuzz|bench|cross|all]...
#
# Installs the Debian packages a make target needs, when they are missing.
# Does nothing (and takes well under a second) when everything is present.
# As root it runs apt-get; otherwise it names the missing packages and the
# command to install them, and carries on (the build then leaves out what is
# missing, or a WITH_*=1 switch stops it with the package name).
# SAMSA_NO_DEPS=1 skips the whole check.
set -u

[ "${SAMSA_NO_DEPS:-0}" = 1 ] && exit 0

want=()
for group in "${@:-build}"; do
    case "$group" in
    build) want+=(zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libssl-dev
                  libsasl2-dev pkg-config) ;;
    test)  want+=(libcmocka-dev openssl python3 valgrind default-jdk-headless maven kcat) ;;
    fuzz)  want+=(clang libclang-rt-dev) ;;
    bench) want+=(librdkafka-dev gnuplot-nox valgrind) ;;
    cross) want+=(gcc-arm-none-eabi libnewlib-arm-none-eabi) ;;
    all)   exec "$0" build test fuzz bench cross ;;
    *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
    esac
done

# A package counts as present when dpkg says it is installed. Tools that the
# machine may ship outside dpkg (java, mvn, python3) are checked on PATH.
missing=()
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${want[@]}" 2>/dev/null | awk '$2=="installed"{print $1}')
for p in "${want[@]}"; do
    case "$p" in
    default-jdk-headless) command -v java >/dev/null && command -v javac >/dev/null && continue ;;
    maven) command -v mvn >/dev/null && continue ;;
    python3) command -v python3 >/dev/null && continue ;;
    libclang-rt-dev)
        # the libFuzzer runtime ships in a versioned package
        ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 && continue
        v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
        p="libclang-rt-${v:-14}-dev" ;;
    esac
    grep -qx "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "samsa: missing Debian packages: ${missing[*]}" >&2
    echo "samsa: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 0
fi

echo "samsa: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=300)
if ! apt-get "${lock[@]}" install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get "${lock[@]}" update -qq >/dev/null 2>&1
    apt-get "${lock[@]}" install -y -qq "${missing[@]}" >&2 || {
        echo "samsa: apt-get could not install: ${missing[*]}" >&2
        exit 1
    }
fi
