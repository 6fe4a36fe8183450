#!/usr/bin/env bash
# LR Lab's GPU check, for a Linux x64 machine with an NVIDIA GPU and no network (Python with a
# CUDA PyTorch for the reference rows; Node not needed). `npm run gpu:pack` builds the folder
# this script sits in: payload.tar.xz holds a Node runtime, the bundled engine and benchmark,
# Dawn (dawn.node, linux-x64) and a libvulkan1 .deb.
#
#   bash gpu-check.sh [--quick] [--torch-cpu]
#     --quick: a smoke test for a software adapter (lavapipe): one small-CNN row, one step, and
#              the patch run on the small CNN; a real GPU runs the full check without it
#     --torch-cpu: the PyTorch reference rows on the CPU instead of CUDA (tests that half here)
#
# It unpacks the payload, finds the Vulkan loader (unpacking the bundled libvulkan1 when
# `ldconfig -p` has none) and the NVIDIA Vulkan driver (its ICD file; on some hosts it sits in
# /usr/local/nvidia/share/vulkan/icd.d, where the loader does not look), prints the adapter,
# runs the benchmark's GPU rows (webgpu next to PyTorch CUDA: two-layer nets, small CNN,
# WRN-16-4, WRN-16-10 at batch 128) and a 1-epoch patch run on synthetic CIFAR-shaped data.
# Everything is bounded to finish inside 8 minutes. Output: the console and gpu-check.log.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
quick=0
torchdev=cuda
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --torch-cpu) torchdev=cpu ;;
    *) echo "gpu-check.sh: unknown option $a (use --quick, --torch-cpu)"; exit 2 ;;
  esac
done
work="${LRLAB_GPU_CHECK_DIR:-${TMPDIR:-/tmp}/lrlab-gpu-check}"
log="$here/gpu-check.log"
: > "$log" 2>/dev/null || log="$work.log"
say() { echo "== $*" | tee -a "$log"; }
start=$(date +%s)

say "LR Lab GPU check: $(date -u +%FT%TZ) on $(uname -srm)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$log"

# 1. Unpack (xz, or Python's lzma where xz is missing).
rm -rf "$work" && mkdir -p "$work"
if command -v xz >/dev/null; then
  tar -xJf "$here/payload.tar.xz" -C "$work" || { say "unpacking failed"; exit 1; }
else
  python3 -c "import sys,tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$here/payload.tar.xz" "$work" || { say "unpacking failed (no xz, and python3 could not either)"; exit 1; }
fi
node="$work/node"
chmod +x "$node"
say "node $("$node" --version)"

# 2. The Vulkan loader (libvulkan.so.1).
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  deb=$(ls "$work"/debs/libvulkan1_*.deb 2>/dev/null | head -1)
  if [ -n "$deb" ]; then
    mkdir -p "$work/vulkan"
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$work/vulkan"
    else
      # A .deb is an ar archive holding data.tar.*: unpack it with Python alone.
      python3 - "$deb" "$work/vulkan" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], 'rb').read()
pos = 8
while pos < len(data):
    name = data[pos:pos + 16].decode().strip().rstrip('/')
    size = int(data[pos + 48:pos + 58].decode().strip())
    body = data[pos + 60:pos + 60 + size]
    if name.startswith('data.tar'):
        tarfile.open(fileobj=io.BytesIO(body)).extractall(sys.argv[2])
    pos += 60 + size + (size & 1)
PY
    fi
    export LD_LIBRARY_PATH="$(dirname "$(find "$work/vulkan" -name 'libvulkan.so.1' | head -1)"):${LD_LIBRARY_PATH:-}"
    say "Vulkan loader: bundled libvulkan1 ($LD_LIBRARY_PATH)"
  else
    say "no Vulkan loader (libvulkan.so.1) and none bundled: install libvulkan1"
  fi
else
  say "Vulkan loader: $(ldconfig -p | grep 'libvulkan.so.1' | head -1 | sed 's/.*=> //')"
fi

# 3. The NVIDIA Vulkan driver's ICD file.
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json \
           /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$f" ]; then export VK_ICD_FILENAMES="$f"; break; fi
  done
  if [ -z "${VK_ICD_FILENAMES:-}" ]; then
    # No ICD file, but the driver library is there (containers often mount it without the JSON).
    lib=$(ldconfig -p 2>/dev/null | grep -o '/[^ ]*libGLX_nvidia.so.0' | head -1)
    [ -z "$lib" ] && lib=$(ls /usr/local/nvidia/lib64/libGLX_nvidia.so.0 /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 2>/dev/null | head -1)
    if [ -n "$lib" ]; then
      printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" > "$work/nvidia_icd.json"
      export VK_ICD_FILENAMES="$work/nvidia_icd.json"
      say "no nvidia_icd.json found; wrote one for $lib"
    else
      say "no NVIDIA Vulkan driver found (nvidia_icd.json or libGLX_nvidia.so.0): Dawn may find no GPU adapter (the container needs NVIDIA_DRIVER_CAPABILITIES to include graphics)"
    fi
  fi
fi
say "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-${VK_DRIVER_FILES:-<loader default>}}"
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:/usr/local/nvidia/lib64:/usr/local/nvidia/lib"

left() { echo $(( 470 - ($(date +%s) - start) )); }

# 4. The adapter, the benchmark's GPU rows and the patch run, each within what is left of 8 minutes.
steps=5; warm=2; train=2560
[ $quick = 1 ] && { steps=1; warm=1; train=256; }
cd "$work/app" || exit 1
say "benchmark: GPU rows (webgpu, PyTorch CUDA), $steps timed steps after $warm warm-up"
only=""
[ $quick = 1 ] && only="--only small-cnn"
# Five workloads (one on --quick): each webgpu row gets an equal share of the benchmark's time.
rows=5; [ $quick = 1 ] && rows=1
budget=$(( $(left) - 150 ))
timeout $budget "$node" bench.mjs --gpu-only --webgpu --steps $steps --warmup $warm --row-timeout $(( budget / rows - 15 )) --torch-device $torchdev $only 2>&1 | tee -a "$log"
model="wrn-16-10"
[ $quick = 1 ] && model="small-cnn"
say "1-epoch patch run (preset patch-cifar-small-lr, model $model, batch 128) on synthetic CIFAR-shaped data, $train images"
rest=$(left)
timeout $(( rest - 5 )) "$node" check.mjs --train $train --test 512 --model $model --deadline $(( rest - 30 )) 2>&1 | tee -a "$log"
say "done in $(( $(date +%s) - start )) s; log: $log"
