// LR Lab's oneDNN kernels: f32 convolution (forward, backward data, backward weights) in
// NHWC / HWIO layouts, training-mode batch normalization (forward and backward, NHWC) and a
// row-major sgemm, called by engine/kernels/onednn.ts on the float32 storage of tfjs tensors
// (the wasm heap); also engine/random's Gaussian generator and the synthetic net's update.
// N-API only, so one build serves Node and Electron.
// Built by bin/build-native-kernels.js where libdnnl-dev is installed; optional everywhere.
#include <node_api.h>
#include <oneapi/dnnl/dnnl.hpp>

// The kernels use oneDNN 2.x's operation descriptors (convolution_forward::desc, …), which
// oneDNN 3.0 removed; bin/build-native-kernels.js checks the version before building and says so.
#if !defined(DNNL_VERSION_MAJOR) || DNNL_VERSION_MAJOR != 2
#error "LR Lab's oneDNN kernels need oneDNN 2.x (its 3.x API has no operation descriptors); install libdnnl-dev 2.x"
#endif

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// The primitive caches, the scratch buffers and the stream are shared by every caller in the
// process (the addon is loaded once, whatever the number of worker threads): one call at a
// time. Calls from one JavaScript thread never contend; concurrent worker threads wait.
std::mutex& sharedStateLock() {
  static std::mutex m;
  return m;
}

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

// Geometry: N, H, W, C (input), OH, OW, O (output), KH, KW, SH, SW, PT, PL, PB, PR.
struct Geometry {
  int64_t v[15];
};

// A convolution primitive for one geometry and kind. oneDNN picks its own (blocked) layouts
// ("any"): its JIT convolutions in them beat its im2col+gemm fallback on the tensors' NHWC/HWIO
// by 1.3× (filter gradients) to 4× (forward), measured on the small CNN with AVX2 (195 → 105 ms
// of convolutions per step), at the cost of one reorder per operand and call. x, w, y are the
// tensors' layouts; xi, wi, yi the primitive's (equal when no reorder is needed).
struct ConvEntry {
  memory::desc x, w, y;
  memory::desc xi, wi, yi;
  dnnl::primitive prim;
};

enum Kind { kForward = 0, kBackwardWeights = 1, kBackwardData = 2 };

std::unordered_map<std::string, std::unique_ptr<ConvEntry>>& cache() {
  static std::unordered_map<std::string, std::unique_ptr<ConvEntry>> c;
  return c;
}

ConvEntry& convFor(int kind, const Geometry& g) {
  std::string key(reinterpret_cast<const char*>(g.v), sizeof g.v);
  key.push_back(static_cast<char>(kind));
  auto it = cache().find(key);
  if (it != cache().end()) return *it->second;
  const int64_t N = g.v[0], H = g.v[1], W = g.v[2], C = g.v[3], OH = g.v[4], OW = g.v[5], O = g.v[6];
  const int64_t KH = g.v[7], KW = g.v[8];
  memory::dims strides{g.v[9], g.v[10]}, padL{g.v[11], g.v[12]}, padR{g.v[13], g.v[14]};
  auto e = std::make_unique<ConvEntry>();
  e->x = memory::desc({N, C, H, W}, dt::f32, tag::nhwc);
  e->w = memory::desc({O, C, KH, KW}, dt::f32, tag::hwio);
  e->y = memory::desc({N, O, OH, OW}, dt::f32, tag::nhwc);
  const memory::desc xa({N, C, H, W}, dt::f32, tag::any), wa({O, C, KH, KW}, dt::f32, tag::any), ya({N, O, OH, OW}, dt::f32, tag::any);
  auto& eng = cpuEngine();
  auto fd = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, xa, wa, ya, strides,
                                            padL, padR);
  auto fpd = dnnl::convolution_forward::primitive_desc(fd, eng);
  if (kind == kForward) {
    e->xi = fpd.src_desc();
    e->wi = fpd.weights_desc();
    e->yi = fpd.dst_desc();
    e->prim = dnnl::convolution_forward(fpd);
  } else if (kind == kBackwardWeights) {
    auto bd = dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, xa, wa, ya, strides, padL, padR);
    auto bpd = dnnl::convolution_backward_weights::primitive_desc(bd, eng, fpd);
    e->xi = bpd.src_desc();
    e->wi = bpd.diff_weights_desc();
    e->yi = bpd.diff_dst_desc();
    e->prim = dnnl::convolution_backward_weights(bpd);
  } else {
    auto bd = dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, xa, wa, ya, strides, padL, padR);
    auto bpd = dnnl::convolution_backward_data::primitive_desc(bd, eng, fpd);
    e->xi = bpd.diff_src_desc();
    e->wi = bpd.weights_desc();
    e->yi = bpd.diff_dst_desc();
    e->prim = dnnl::convolution_backward_data(bpd);
  }
  auto& ref = *e;
  cache().emplace(std::move(key), std::move(e));
  return ref;
}

// A reorder between two layouts (oneDNN's primitive cache makes re-creating it cheap).
void reorder(memory from, memory to) { dnnl::reorder(from, to).execute(cpuStream(), from, to); }

// Scratch buffers for the primitive's layouts, one per operand, grown as needed and reused
// across calls (under sharedStateLock).
float* scratch(int slot, size_t bytes) {
  static std::vector<float> buffers[3];
  auto& b = buffers[slot];
  if (b.size() * sizeof(float) < bytes) b.resize((bytes + sizeof(float) - 1) / sizeof(float));
  return b.data();
}

// The user's memory if the primitive takes that layout, else a scratch memory in the primitive's
// layout (filled from the user's when `in`).
memory operand(const memory::desc& user, const memory::desc& internal, float* data, int slot, bool in) {
  auto& eng = cpuEngine();
  memory um(user, eng, data);
  if (user == internal) return um;
  memory im(internal, eng, scratch(slot, internal.get_size()));
  if (in) reorder(um, im);
  return im;
}

bool throwIf(napi_env env, bool bad, const char* message) {
  if (bad) napi_throw_error(env, nullptr, message);
  return bad;
}

// A Float32Array argument's data pointer and length (elements).
template <typename T>
bool typed(napi_env env, napi_value v, napi_typedarray_type want, const char* what, T** data, size_t* length) {
  napi_typedarray_type type;
  size_t len;
  void* ptr;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, &buffer, &offset) != napi_ok || type != want) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  *data = static_cast<T*>(ptr);
  *length = len;
  return true;
}

bool floats(napi_env env, napi_value v, float** data, size_t* length) {
  return typed(env, v, napi_float32_array, "expected a Float32Array", data, length);
}

bool int64s(napi_env env, napi_value v, int64_t* out, uint32_t count) {
  uint32_t len = 0;
  if (napi_get_array_length(env, v, &len) != napi_ok || len != count) {
    napi_throw_type_error(env, nullptr, "expected an array of integers of the right length");
    return false;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_int64(env, e, &out[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "expected integers");
      return false;
    }
  }
  return true;
}

// Checked N-API reads: a wrong type throws a TypeError naming the argument (N-API's return
// codes are never ignored).
bool getInt64(napi_env env, napi_value v, int64_t* out, const char* what) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !std::isfinite(d) || d != std::floor(d)) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool getDouble(napi_env env, napi_value v, double* out, const char* what) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  return true;
}

bool getBool(napi_env env, napi_value v, bool* out, const char* what) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  return true;
}

// Runs `body`, turning C++ exceptions into JavaScript errors: out of memory (std::bad_alloc)
// and oneDNN's errors must not abort the worker process.
template <typename F>
napi_value guarded(napi_env env, F&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    napi_throw_error(env, "ENOMEM", "oneDNN kernels: out of memory");
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + err.what()).c_str());
  } catch (const std::exception& err) {
    napi_throw_error(env, nullptr, (std::string("oneDNN kernels: ") + err.what()).c_str());
  }
  return nullptr;
}

// Unpacks exactly N arguments, or throws `usage` and returns false.
template <size_t N>
bool args(napi_env env, napi_callback_info info, napi_value (&argv)[N], const char* usage) {
  size_t argc = N;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return !throwIf(env, true, usage);
  return !throwIf(env, argc != N, usage);
}

// conv2d(kind, geometry[15], x, w, y): kind 0 y = conv(x, w); 1 w = dW(x, dy = y); 2 x = dX(dy = y, w).
napi_value Conv2dUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, argv, "conv2d(kind, geometry, x, w, y)")) return nullptr;
  int64_t kind;
  if (!getInt64(env, argv[0], &kind, "conv2d: kind must be 0 (forward), 1 (filter gradient) or 2 (input gradient)")) return nullptr;
  if (throwIf(env, kind != kForward && kind != kBackwardWeights && kind != kBackwardData,
              "conv2d: kind must be 0 (forward), 1 (filter gradient) or 2 (input gradient)"))
    return nullptr;
  Geometry g;
  if (!int64s(env, argv[1], g.v, 15)) return nullptr;
  float *x, *w, *y;
  size_t nx, nw, ny;
  if (!floats(env, argv[2], &x, &nx) || !floats(env, argv[3], &w, &nw) || !floats(env, argv[4], &y, &ny)) return nullptr;
  const int64_t N = g.v[0], H = g.v[1], W = g.v[2], C = g.v[3], OH = g.v[4], OW = g.v[5], O = g.v[6];
  if (throwIf(env, static_cast<int64_t>(nx) != N * H * W * C || static_cast<int64_t>(nw) != g.v[7] * g.v[8] * C * O ||
                       static_cast<int64_t>(ny) != N * OH * OW * O,
              "conv2d: array sizes do not match the geometry"))
    return nullptr;
  for (int i = 0; i < 15; i++)
    if (throwIf(env, g.v[i] < (i >= 11 ? 0 : 1), "conv2d: geometry values must be positive (paddings non-negative)")) return nullptr;
  std::lock_guard<std::mutex> hold(sharedStateLock());
  {
    ConvEntry& e = convFor(static_cast<int>(kind), g);
    const bool xIn = kind != kBackwardData, wIn = kind != kBackwardWeights, yIn = kind != kForward;
    memory xm = operand(e.x, e.xi, x, 0, xIn), wm = operand(e.w, e.wi, w, 1, wIn), ym = operand(e.y, e.yi, y, 2, yIn);
    if (kind == kForward) {
      e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, ym}});
    } else if (kind == kBackwardWeights) {
      e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_DIFF_DST, ym}, {DNNL_ARG_DIFF_WEIGHTS, wm}});
    } else {
      e.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, ym}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DIFF_SRC, xm}});
    }
    // The output back into the tensor's layout.
    auto& eng = cpuEngine();
    if (kind == kForward && e.yi != e.y) reorder(ym, memory(e.y, eng, y));
    if (kind == kBackwardWeights && e.wi != e.w) reorder(wm, memory(e.w, eng, w));
    if (kind == kBackwardData && e.xi != e.x) reorder(xm, memory(e.x, eng, x));
    cpuStream().wait();
  }
  return nullptr;
}

napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value { return Conv2dUnguarded(env, info); });
}

// sgemm(transA, transB, M, N, K, A, B, C): C[M,N] = op(A)·op(B), row-major.
napi_value SgemmUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, argv, "sgemm(transA, transB, M, N, K, A, B, C)")) return nullptr;
  bool ta, tb;
  int64_t M, N, K;
  if (!getBool(env, argv[0], &ta, "sgemm: transA must be a boolean") || !getBool(env, argv[1], &tb, "sgemm: transB must be a boolean") ||
      !getInt64(env, argv[2], &M, "sgemm: M must be an integer") || !getInt64(env, argv[3], &N, "sgemm: N must be an integer") ||
      !getInt64(env, argv[4], &K, "sgemm: K must be an integer"))
    return nullptr;
  if (throwIf(env, M < 1 || N < 1 || K < 1, "sgemm: M, N and K must be positive")) return nullptr;
  float *a, *b, *c;
  size_t na, nb, nc;
  if (!floats(env, argv[5], &a, &na) || !floats(env, argv[6], &b, &nb) || !floats(env, argv[7], &c, &nc)) return nullptr;
  if (throwIf(env, static_cast<int64_t>(na) != M * K || static_cast<int64_t>(nb) != K * N || static_cast<int64_t>(nc) != M * N,
              "sgemm: array sizes do not match M, N, K"))
    return nullptr;
  const dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, 1.0f, a, ta ? M : K, b, tb ? K : N, 0.0f, c, N);
  throwIf(env, st != dnnl_success, "oneDNN sgemm failed");
  return nullptr;
}

// dnnl_sgemm keeps no state of its own between calls: no lock needed.
napi_value Sgemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value { return SgemmUnguarded(env, info); });
}

struct BnEntry {
  memory::desc data, channel;
  dnnl::primitive fwd, bwd;
};

BnEntry& bnFor(int64_t N, int64_t H, int64_t W, int64_t C, float eps) {
  static std::unordered_map<std::string, std::unique_ptr<BnEntry>> bnCache;
  int64_t key4[4] = {N, H, W, C};
  std::string key(reinterpret_cast<const char*>(key4), sizeof key4);
  key.append(reinterpret_cast<const char*>(&eps), sizeof eps);
  auto it = bnCache.find(key);
  if (it != bnCache.end()) return *it->second;
  auto e = std::make_unique<BnEntry>();
  e->data = memory::desc({N, C, H, W}, dt::f32, tag::nhwc);
  e->channel = memory::desc({C}, dt::f32, tag::a);
  auto flags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
  auto& eng = cpuEngine();
  auto fd = dnnl::batch_normalization_forward::desc(dnnl::prop_kind::forward_training, e->data, eps, flags);
  auto fpd = dnnl::batch_normalization_forward::primitive_desc(fd, eng);
  auto bd = dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward, e->data, e->data, eps, flags);
  auto bpd = dnnl::batch_normalization_backward::primitive_desc(bd, eng, fpd);
  e->fwd = dnnl::batch_normalization_forward(fpd);
  e->bwd = dnnl::batch_normalization_backward(bpd);
  auto& ref = *e;
  bnCache.emplace(std::move(key), std::move(e));
  return ref;
}

// batchNorm(shape[4] NHWC, eps, x, gamma, beta, y, mean, variance): training-mode forward
// (batch statistics, biased variance).
napi_value BatchNormUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, argv, "batchNorm(shape, eps, x, gamma, beta, y, mean, variance)")) return nullptr;
  int64_t s[4];
  double eps;
  if (!int64s(env, argv[0], s, 4)) return nullptr;
  if (!getDouble(env, argv[1], &eps, "batchNorm: eps must be a number")) return nullptr;
  float* p[6];
  size_t n[6];
  for (int i = 0; i < 6; i++)
    if (!floats(env, argv[2 + i], &p[i], &n[i])) return nullptr;
  const int64_t size = s[0] * s[1] * s[2] * s[3];
  if (throwIf(env, static_cast<int64_t>(n[0]) != size || static_cast<int64_t>(n[3]) != size || static_cast<int64_t>(n[1]) != s[3] ||
                       static_cast<int64_t>(n[2]) != s[3] || static_cast<int64_t>(n[4]) != s[3] || static_cast<int64_t>(n[5]) != s[3],
              "batchNorm: array sizes do not match the shape"))
    return nullptr;
  std::lock_guard<std::mutex> hold(sharedStateLock());
  BnEntry& e = bnFor(s[0], s[1], s[2], s[3], static_cast<float>(eps));
  auto& eng = cpuEngine();
  memory x(e.data, eng, p[0]), g(e.channel, eng, p[1]), b(e.channel, eng, p[2]), y(e.data, eng, p[3]), mu(e.channel, eng, p[4]),
      var(e.channel, eng, p[5]);
  e.fwd.execute(cpuStream(), {{DNNL_ARG_SRC, x}, {DNNL_ARG_SCALE, g}, {DNNL_ARG_SHIFT, b}, {DNNL_ARG_DST, y}, {DNNL_ARG_MEAN, mu},
                              {DNNL_ARG_VARIANCE, var}});
  cpuStream().wait();
  return nullptr;
}

napi_value BatchNorm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value { return BatchNormUnguarded(env, info); });
}

// batchNormGrad(shape[4], eps, x, mean, variance, dy, gamma, dx, dgamma, dbeta).
napi_value BatchNormGradUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!args(env, info, argv, "batchNormGrad(shape, eps, x, mean, variance, dy, gamma, dx, dgamma, dbeta)")) return nullptr;
  int64_t s[4];
  double eps;
  if (!int64s(env, argv[0], s, 4)) return nullptr;
  if (!getDouble(env, argv[1], &eps, "batchNormGrad: eps must be a number")) return nullptr;
  float* p[8];
  size_t n[8];
  for (int i = 0; i < 8; i++)
    if (!floats(env, argv[2 + i], &p[i], &n[i])) return nullptr;
  const int64_t size = s[0] * s[1] * s[2] * s[3];
  const int64_t want[8] = {size, s[3], s[3], size, s[3], size, s[3], s[3]};
  for (int i = 0; i < 8; i++)
    if (throwIf(env, static_cast<int64_t>(n[i]) != want[i], "batchNormGrad: array sizes do not match the shape")) return nullptr;
  std::lock_guard<std::mutex> hold(sharedStateLock());
  {
    BnEntry& e = bnFor(s[0], s[1], s[2], s[3], static_cast<float>(eps));
    auto& eng = cpuEngine();
    memory x(e.data, eng, p[0]), mu(e.channel, eng, p[1]), var(e.channel, eng, p[2]), dy(e.data, eng, p[3]), g(e.channel, eng, p[4]),
        dx(e.data, eng, p[5]), dg(e.channel, eng, p[6]), db(e.channel, eng, p[7]);
    // With use_shift oneDNN wants the shift as an input even though the backward never reads it.
    std::vector<float> zeros(static_cast<size_t>(s[3]), 0.0f);
    memory shift(e.channel, eng, zeros.data());
    e.bwd.execute(cpuStream(), {{DNNL_ARG_SRC, x},
                                {DNNL_ARG_SHIFT, shift},
                                {DNNL_ARG_MEAN, mu},
                                {DNNL_ARG_VARIANCE, var},
                                {DNNL_ARG_DIFF_DST, dy},
                                {DNNL_ARG_SCALE, g},
                                {DNNL_ARG_DIFF_SRC, dx},
                                {DNNL_ARG_DIFF_SCALE, dg},
                                {DNNL_ARG_DIFF_SHIFT, db}});
    cpuStream().wait();
  }
  return nullptr;
}

napi_value BatchNormGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value { return BatchNormGradUnguarded(env, info); });
}

// ---- Gaussian noise: engine/random's ziggurat (Rng.fillNormal), the same numbers natively.
// xoshiro128** and the ziggurat's tables come from JavaScript (the tables are passed in, so
// both sides use identical doubles); every operation below is the JavaScript one in the same
// order, in double precision, rounded to float32 once (this file is built without FMA
// contraction). Only the rejection step's exp/log are libm's rather than V8's.

struct Xoshiro128ss {
  uint32_t s0, s1, s2, s3;
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t next() {
    const uint32_t r = rotl(s1 * 5u, 7) * 9u;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return r;
  }
  double uniform() { return next() / 4294967296.0; }
  double openUniform() { return (next() + 0.5) / 4294967296.0; }
};

struct Ziggurat {
  const double *k, *w, *f;
  double r;
  // Rng.normalTail: the wedges and the base strip's tail.
  double tail(Xoshiro128ss& g, int32_t j, uint32_t iz) const {
    for (;;) {
      const double x = j * w[iz];
      if (iz == 0) {
        double t, y;
        do {
          t = -std::log(g.openUniform()) / r;
          y = -std::log(g.openUniform());
        } while (y + y < t * t);
        return j > 0 ? r + t : -r - t;
      }
      const double f0 = f[iz];
      if (f0 + g.uniform() * (f[iz - 1] - f0) < std::exp(-0.5 * x * x)) return x;
      const uint32_t u = g.next();
      iz = u & 127;
      j = static_cast<int32_t>(u) >> 7;
      if (std::abs(j) < k[iz]) return j * w[iz];
    }
  }
};

// fillNormal(k, w, f, R, state, out, std, mean): out[i] = mean + std·z_i; state advances.
napi_value FillNormalUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, argv, "fillNormal(k, w, f, R, state, out, std, mean)")) return nullptr;
  Ziggurat z{};
  double* tables[3];
  size_t lengths[3];
  for (int i = 0; i < 3; i++)
    if (!typed(env, argv[i], napi_float64_array, "fillNormal: tables must be Float64Arrays", &tables[i], &lengths[i])) return nullptr;
  if (throwIf(env, lengths[0] != 128 || lengths[1] != 128 || lengths[2] != 128, "fillNormal: tables must have 128 entries")) return nullptr;
  z.k = tables[0];
  z.w = tables[1];
  z.f = tables[2];
  uint32_t* state;
  size_t stateLength;
  float* out;
  size_t n;
  double stddev, mean;
  if (!getDouble(env, argv[3], &z.r, "fillNormal: R must be a number")) return nullptr;
  if (!typed(env, argv[4], napi_uint32_array, "fillNormal: state must be a Uint32Array", &state, &stateLength)) return nullptr;
  if (throwIf(env, stateLength != 4, "fillNormal: state must have 4 words")) return nullptr;
  if (!floats(env, argv[5], &out, &n)) return nullptr;
  if (!getDouble(env, argv[6], &stddev, "fillNormal: std must be a number") || !getDouble(env, argv[7], &mean, "fillNormal: mean must be a number"))
    return nullptr;
  Xoshiro128ss g{state[0], state[1], state[2], state[3]};
  for (size_t i = 0; i < n; i++) {
    const uint32_t u = g.next();
    const uint32_t iz = u & 127;
    const int32_t j = static_cast<int32_t>(u) >> 7;
    const double v = std::abs(j) < z.k[iz] ? j * z.w[iz] : z.tail(g, j, iz);
    out[i] = static_cast<float>(mean + stddev * v);
  }
  state[0] = g.s0;
  state[1] = g.s1;
  state[2] = g.s2;
  state[3] = g.s3;
  return nullptr;
}

// Keeps no state between calls (the generator state lives in the caller's Uint32Array).
napi_value FillNormal(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value { return FillNormalUnguarded(env, info); });
}

// ---- The synthetic net's SGD update in place (engine/experiments/synthetic/model.ts apply):
// u ← u − lr·(g + λ·u [+ ξ]) with u, g [m, D] and ξ rows r0..r0+rows−1 of a [D, m] draw
// (ξ[r·m + c] belongs at u[c·D + r0 + r]). Every value is computed as the JavaScript loop does,
// in double, rounded to float32 once. Both strides are powers of two, so ξ is transposed
// through a small tile rather than read with stride m (which thrashes one cache set).
// sgdUpdate(u, g, xi, lr, lambda, r0, rows, D, m); xi empty = no noise (then r0, rows ignored).
napi_value SgdUpdateUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!args(env, info, argv, "sgdUpdate(u, g, xi, lr, lambda, r0, rows, D, m)")) return nullptr;
  float *u, *g, *xi;
  size_t nu, ng, nxi;
  if (!floats(env, argv[0], &u, &nu) || !floats(env, argv[1], &g, &ng) || !floats(env, argv[2], &xi, &nxi)) return nullptr;
  double lr, lambda;
  int64_t r0, rows, D, m;
  if (!getDouble(env, argv[3], &lr, "sgdUpdate: lr must be a number") || !getDouble(env, argv[4], &lambda, "sgdUpdate: lambda must be a number") ||
      !getInt64(env, argv[5], &r0, "sgdUpdate: r0 must be an integer") || !getInt64(env, argv[6], &rows, "sgdUpdate: rows must be an integer") ||
      !getInt64(env, argv[7], &D, "sgdUpdate: D must be an integer") || !getInt64(env, argv[8], &m, "sgdUpdate: m must be an integer"))
    return nullptr;
  if (throwIf(env, D < 1 || m < 1 || nu != static_cast<size_t>(D * m) || ng != nu, "sgdUpdate: u and g must both hold D·m values")) return nullptr;
  if (nxi == 0) {
    for (size_t i = 0; i < nu; i++) {
      const double ui = u[i];
      u[i] = static_cast<float>(ui - lr * (g[i] + lambda * ui));
    }
    return nullptr;
  }
  if (throwIf(env, r0 < 0 || rows < 1 || r0 + rows > D || nxi < static_cast<size_t>(rows * m), "sgdUpdate: xi must hold rows·m values of rows r0.. < D"))
    return nullptr;
  constexpr int64_t TC = 32;  // columns of ξ (rows of u) per tile
  std::vector<float> tile(static_cast<size_t>(TC * rows));
  for (int64_t c0 = 0; c0 < m; c0 += TC) {
    const int64_t tc = std::min(TC, m - c0);
    for (int64_t r = 0; r < rows; r++) {
      const float* src = xi + r * m + c0;
      for (int64_t c = 0; c < tc; c++) tile[c * rows + r] = src[c];
    }
    for (int64_t c = 0; c < tc; c++) {
      float* uc = u + (c0 + c) * D + r0;
      const float* gc = g + (c0 + c) * D + r0;
      const float* xc = tile.data() + c * rows;
      for (int64_t r = 0; r < rows; r++) {
        const double ui = uc[r];
        uc[r] = static_cast<float>(ui - lr * (gc[r] + lambda * ui + xc[r]));
      }
    }
  }
  return nullptr;
}

// Keeps no state between calls (its tile is per call).
napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value { return SgdUpdateUnguarded(env, info); });
}

napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value out;
  napi_create_string_utf8(env, s.c_str(), s.size(), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNorm", nullptr, BatchNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormGrad", nullptr, BatchNormGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fillNormal", nullptr, FillNormal, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdUpdate", nullptr, SgdUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
