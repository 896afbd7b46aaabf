#!/usr/bin/env bash
# scripts/check-install.sh - `make install` into a temporary prefix, then
# build a 10-line program against it with pkg-config: once linking
# libsamsa.a statically with the default features (system libraries
# dynamic), once fully static (-static) from a build without cyrus-sasl,
# which Debian ships no static archive for. Both programs must run.
set -euo pipefail
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cat >"$root/hello.c" <<'C'
#include <stdio.h>
#include <samsa.h>
int main(void)
{
    printf("samsa %s [%s] %s\n", samsa_version(), samsa_features(),
           samsa_err_name(SAMSA_ERR_NOT_LEADER_OR_FOLLOWER));
    return samsa_err_is_local(SAMSA_ERR_TRUNCATED) ? 0 : 1;
}
C
# 1: default features, libsamsa.a linked statically
make -s BUILD=build/install-default install PREFIX="$root/default" >/dev/null
export PKG_CONFIG_PATH="$root/default/lib/pkgconfig"
echo "pkg-config --static --libs samsa: $(pkg-config --static --libs samsa)"
cc "$root/hello.c" -o "$root/hello-default" $(pkg-config --cflags samsa) \
    -Wl,-Bstatic -lsamsa -Wl,-Bdynamic \
    $(pkg-config --static --libs-only-L samsa) \
    $(pkg-config --static --libs-only-l samsa | sed 's/-lsamsa//')
"$root/hello-default"
ldd "$root/hello-default" | grep -q libsamsa && { echo "libsamsa linked dynamically"; exit 1; }
# 2: fully static program (no cyrus-sasl: no static libsasl2 on Debian)
make -s BUILD=build/install-static WITH_SASL=0 install PREFIX="$root/static" >/dev/null
export PKG_CONFIG_PATH="$root/static/lib/pkgconfig"
cc -static "$root/hello.c" -o "$root/hello-static" $(pkg-config --cflags --libs --static samsa)
"$root/hello-static"
file "$root/hello-static" | grep -q 'statically linked'
echo "static program: $(stat -c %s "$root/hello-static") bytes"
