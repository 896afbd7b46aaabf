#!/usr/bin/env bash
# bench/static_size.sh OUTDIR - size of a minimal producer (connect, produce
# one message, flush: bench/min_samsa.c, bench/min_rdkafka.c) linked against
# samsa and against librdkafka, stripped, and the threads each runs. Prints
# one JSON object on stdout; notes on stderr. Called by bench/run.sh.
#
# Links tried, because a fully static program is not always possible:
#   samsa, every feature, fully static      (needs libsasl2.a's Berkeley DB
#                                            archive, which Debian lacks)
#   samsa, every feature but WITH_SASL (GSSAPI), fully static
#   samsa, every WITH_*=0, fully static
#   samsa, every feature, libsamsa.a static + system libraries shared
#   samsa, every WITH_*=0, libsamsa.a static + libc shared
#   librdkafka, fully static                 (same libsasl2.a problem)
#   librdkafka.a static + system libraries shared
#   the three archive links again with -Wl,--gc-sections (keys *_gc), for
#   both clients alike: samsa's objects are built with -ffunction-sections
#   -fdata-sections, Debian's librdkafka.a as Debian builds it. The issue 9
#   target is judged on the links without it (what a user gets by default).
# and the shared libraries themselves (libsamsa.so, librdkafka.so.1).
# Environment: SAMSA_BENCH_BOOTSTRAP (to run each and count threads).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:?usage: static_size.sh OUTDIR}
mkdir -p "$out/static"
st=$out/static
cc=${CC:-cc}
boot=${SAMSA_BENCH_BOOTSTRAP:-}

note() { echo "static: $*" >&2; }

libs_for() { # feature bits ZLIB SNAPPY LZ4 ZSTD SSL SASL -> -l flags
    local z=$1 s=$2 l=$3 zs=$4 ssl=$5 sasl=$6 f=()
    [ "$z" = 1 ] && f+=(-lz)
    [ "$s" = 1 ] && f+=(-lsnappy -lstdc++ -lm)
    [ "$l" = 1 ] && f+=(-llz4)
    [ "$zs" = 1 ] && f+=(-lzstd)
    [ "$sasl" = 1 ] && f+=(-lsasl2)
    [ "$ssl" = 1 ] && f+=(-lssl -lcrypto)
    f+=(-lpthread)
    echo "${f[@]}"
}

build_lib() { # name, WITH_* assignments... -> path of libsamsa.a
    local name=$1 dir=$st/lib-$1
    shift
    SAMSA_NO_DEPS=1 make -s -C "$root" BUILD="$dir" "$@" "$dir/libsamsa.a" \
        >"$st/make-$name.log" 2>&1 || { note "building libsamsa ($name) failed"; return 1; }
    echo "$dir/libsamsa.a"
}

entries=()
add() { # key, binary or "", how, ok(1/0), reason
    local key=$1 bin=$2 how=$3 ok=$4 why=${5:-} size=0 thr=0
    if [ "$ok" = 1 ]; then
        strip -o "$bin.stripped" "$bin"
        size=$(stat -c %s "$bin.stripped")
        if [ -n "$boot" ]; then
            thr=$("$bin" "$boot" hbench-min 2>/dev/null | awk '/^threads/{print $2}')
        fi
    fi
    entries+=("\"$key\":{\"ok\":$ok,\"bytes\":$size,\"threads\":${thr:-0},\"how\":\"$how\",\"why\":\"$why\"}")
    note "$key: ok=$ok bytes=$size threads=${thr:-0} ($how) $why"
}

link() { # key, how, src, out, args... (tries; records)
    local key=$1 how=$2 src=$3 bin=$st/$4 log
    shift 4
    log=$st/$key.log
    if $cc -O2 -I"$root/include" "$src" -o "$bin" "$@" >"$log" 2>&1; then
        add "$key" "$bin" "$how" 1
    else
        local why
        why=$(grep -m1 -o "undefined reference to \`[a-z_]*'" "$log" | tr -d "\`'" || true)
        [ -n "$why" ] || why=$(grep -m1 -i error "$log" | cut -c1-120 | tr -d '"\\' || true)
        add "$key" "" "$how" 0 "$why"
    fi
}

all=1; none=0
lib_all=$(build_lib all WITH_ZLIB=1 WITH_SNAPPY=1 WITH_LZ4=1 WITH_ZSTD=1 WITH_SSL=1 WITH_SASL=1) || exit 1
lib_nosasl=$(build_lib nosasl WITH_ZLIB=1 WITH_SNAPPY=1 WITH_LZ4=1 WITH_ZSTD=1 WITH_SSL=1 WITH_SASL=0) || exit 1
lib_none=$(build_lib none WITH_ZLIB=0 WITH_SNAPPY=0 WITH_LZ4=0 WITH_ZSTD=0 WITH_SSL=0 WITH_SASL=0) || exit 1

# shellcheck disable=SC2046
link samsa_all_static "fully static, every feature" "$here/min_samsa.c" min_samsa_all \
    -static "$lib_all" $(libs_for $all $all $all $all $all $all)
# shellcheck disable=SC2046
link samsa_nosasl_static "fully static, every feature but GSSAPI (WITH_SASL=0)" "$here/min_samsa.c" \
    min_samsa_nosasl -static "$lib_nosasl" $(libs_for 1 1 1 1 1 0)
# shellcheck disable=SC2046
link samsa_none_static "fully static, every WITH_*=0" "$here/min_samsa.c" min_samsa_none \
    -static "$lib_none" $(libs_for 0 0 0 0 0 0)
# shellcheck disable=SC2046
link samsa_all_archive "libsamsa.a static (every feature), system libraries shared" \
    "$here/min_samsa.c" min_samsa_archive "$lib_all" $(libs_for 1 1 1 1 1 1)
link samsa_none_archive "libsamsa.a static (every WITH_*=0), libc shared" \
    "$here/min_samsa.c" min_samsa_none_archive "$lib_none" -lpthread

rdk_static_libs=$(pkg-config --static --libs rdkafka 2>/dev/null || echo "-lrdkafka")
# shellcheck disable=SC2086
link rdkafka_static "fully static" "$here/min_rdkafka.c" min_rdkafka_static -static $rdk_static_libs
rdk_deps=${rdk_static_libs#-lrdkafka}
# shellcheck disable=SC2086
link rdkafka_archive "librdkafka.a static, system libraries shared" "$here/min_rdkafka.c" \
    min_rdkafka_archive -Wl,-Bstatic -lrdkafka -Wl,-Bdynamic $rdk_deps

# shellcheck disable=SC2046
link samsa_all_archive_gc "libsamsa.a static (every feature), system libraries shared, --gc-sections" \
    "$here/min_samsa.c" min_samsa_archive_gc -Wl,--gc-sections "$lib_all" $(libs_for 1 1 1 1 1 1)
link samsa_none_archive_gc "libsamsa.a static (every WITH_*=0), libc shared, --gc-sections" \
    "$here/min_samsa.c" min_samsa_none_archive_gc -Wl,--gc-sections "$lib_none" -lpthread
# shellcheck disable=SC2086
link rdkafka_archive_gc "librdkafka.a static, system libraries shared, --gc-sections" \
    "$here/min_rdkafka.c" min_rdkafka_archive_gc -Wl,--gc-sections -Wl,-Bstatic -lrdkafka \
    -Wl,-Bdynamic $rdk_deps

# shared libraries, for the record
so_samsa=$(ls "$st"/lib-all/libsamsa.so.* 2>/dev/null | head -1)
[ -n "$so_samsa" ] || make -s -C "$root" BUILD="$st/lib-all" SAMSA_NO_DEPS=1 WITH_ZLIB=1 WITH_SNAPPY=1 \
    WITH_LZ4=1 WITH_ZSTD=1 WITH_SSL=1 WITH_SASL=1 lib >/dev/null 2>&1
so_samsa=$(ls "$st"/lib-all/libsamsa.so.* 2>/dev/null | head -1)
so_rdk=$(readlink -f "$(ldconfig -p | awk '/librdkafka.so.1 /{print $NF; exit}')" 2>/dev/null || true)
ssize() { [ -n "$1" ] && [ -f "$1" ] && { strip -o "$st/so.tmp" "$1" && stat -c %s "$st/so.tmp"; } || echo 0; }
deps() { [ -n "$1" ] && ldd "$1" 2>/dev/null | awk '{print $1}' | grep -v -e linux-vdso -e ld-linux | sort | tr '\n' ' '; }
entries+=("\"samsa_so\":{\"bytes\":$(ssize "$so_samsa"),\"deps\":\"$(deps "$so_samsa")\"}")
entries+=("\"rdkafka_so\":{\"bytes\":$(ssize "$so_rdk"),\"deps\":\"$(deps "$so_rdk")\",\"version\":\"$(pkg-config --modversion rdkafka 2>/dev/null)\"}")

(IFS=,; echo "{${entries[*]}}")
