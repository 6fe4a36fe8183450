// LR Lab's oneDNN kernels: f32 convolution (forward, backward data, backward weights) in
// NHWC / HWIO layouts, training-mode batch normalization (forward and backward, NHWC) and a
// row-major sgemm, called by engine/kernels/onednn.ts on the float32
// storage of tfjs tensors (the wasm heap). N-API only, so one build serves Node and Electron.
// Built by bin/build-native-kernels.js where libdnnl-dev is installed; optional everywhere.
#include <node_api.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

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

struct ConvEntry {
  memory::desc x, w, y;
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
  auto& eng = cpuEngine();
  auto fd = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, e->x, e->w,
                                            e->y, strides, padL, padR);
  auto fpd = dnnl::convolution_forward::primitive_desc(fd, eng);
  if (kind == kForward) {
    e->prim = dnnl::convolution_forward(fpd);
  } else if (kind == kBackwardWeights) {
    auto bd = dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, e->x, e->w, e->y, strides, padL, padR);
    e->prim = dnnl::convolution_backward_weights(dnnl::convolution_backward_weights::primitive_desc(bd, eng, fpd));
  } else {
    auto bd = dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, e->x, e->w, e->y, strides, padL, padR);
    e->prim = dnnl::convolution_backward_data(dnnl::convolution_backward_data::primitive_desc(bd, eng, fpd));
  }
  auto& ref = *e;
  cache().emplace(std::move(key), std::move(e));
  return ref;
}

bool throwIf(napi_env env, bool bad, const char* message) {
  if (bad) napi_throw_error(env, nullptr, message);
  return bad;
}

// A Float32Array argument's data pointer and length (elements).
bool floats(napi_env env, napi_value v, float** data, size_t* length) {
  napi_typedarray_type type;
  size_t len;
  void* ptr;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, &buffer, &offset) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, "expected a Float32Array");
    return false;
  }
  *data = static_cast<float*>(ptr);
  *length = len;
  return true;
}

bool int64s(napi_env env, napi_value v, int64_t* out, uint32_t count) {
  uint32_t len = 0;
  if (napi_get_array_length(env, v, &len) != napi_ok || len != count) {
    napi_throw_type_error(env, nullptr, "expected an array of integers of the right length");
    return false;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value e;
    napi_get_element(env, v, i, &e);
    if (napi_get_value_int64(env, e, &out[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "expected integers");
      return false;
    }
  }
  return true;
}

// conv2d(kind, geometry[15], x, w, y): kind 0 y = conv(x, w); 1 w = dW(x, dy = y); 2 x = dX(dy = y, w).
napi_value Conv2d(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (throwIf(env, argc != 5, "conv2d(kind, geometry, x, w, y)")) return nullptr;
  int32_t kind;
  napi_get_value_int32(env, argv[0], &kind);
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
  try {
    ConvEntry& e = convFor(kind, g);
    auto& eng = cpuEngine();
    memory xm(e.x, eng, x), wm(e.w, eng, w), ym(e.y, eng, y);
    if (kind == kForward) {
      e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, ym}});
    } else if (kind == kBackwardWeights) {
      e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_DIFF_DST, ym}, {DNNL_ARG_DIFF_WEIGHTS, wm}});
    } else {
      e.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, ym}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DIFF_SRC, xm}});
    }
    cpuStream().wait();
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + err.what()).c_str());
  }
  return nullptr;
}

// sgemm(transA, transB, M, N, K, A, B, C): C[M,N] = op(A)·op(B), row-major.
napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (throwIf(env, argc != 8, "sgemm(transA, transB, M, N, K, A, B, C)")) return nullptr;
  bool ta, tb;
  int64_t M, N, K;
  napi_get_value_bool(env, argv[0], &ta);
  napi_get_value_bool(env, argv[1], &tb);
  napi_get_value_int64(env, argv[2], &M);
  napi_get_value_int64(env, argv[3], &N);
  napi_get_value_int64(env, argv[4], &K);
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
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (throwIf(env, argc != 8, "batchNorm(shape, eps, x, gamma, beta, y, mean, variance)")) return nullptr;
  int64_t s[4];
  double eps;
  if (!int64s(env, argv[0], s, 4)) return nullptr;
  napi_get_value_double(env, argv[1], &eps);
  float* p[6];
  size_t n[6];
  for (int i = 0; i < 6; i++)
    if (!floats(env, argv[2 + i], &p[i], &n[i])) return nullptr;
  const int64_t size = s[0] * s[1] * s[2] * s[3];
  if (throwIf(env, static_cast<int64_t>(n[0]) != size || static_cast<int64_t>(n[3]) != size || static_cast<int64_t>(n[1]) != s[3] ||
                       static_cast<int64_t>(n[2]) != s[3] || static_cast<int64_t>(n[4]) != s[3] || static_cast<int64_t>(n[5]) != s[3],
              "batchNorm: array sizes do not match the shape"))
    return nullptr;
  try {
    BnEntry& e = bnFor(s[0], s[1], s[2], s[3], static_cast<float>(eps));
    auto& eng = cpuEngine();
    memory x(e.data, eng, p[0]), g(e.channel, eng, p[1]), b(e.channel, eng, p[2]), y(e.data, eng, p[3]), mu(e.channel, eng, p[4]),
        var(e.channel, eng, p[5]);
    e.fwd.execute(cpuStream(), {{DNNL_ARG_SRC, x}, {DNNL_ARG_SCALE, g}, {DNNL_ARG_SHIFT, b}, {DNNL_ARG_DST, y}, {DNNL_ARG_MEAN, mu},
                                {DNNL_ARG_VARIANCE, var}});
    cpuStream().wait();
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + err.what()).c_str());
  }
  return nullptr;
}

// batchNormGrad(shape[4], eps, x, mean, variance, dy, gamma, dx, dgamma, dbeta).
napi_value BatchNormGrad(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (throwIf(env, argc != 10, "batchNormGrad(shape, eps, x, mean, variance, dy, gamma, dx, dgamma, dbeta)")) return nullptr;
  int64_t s[4];
  double eps;
  if (!int64s(env, argv[0], s, 4)) return nullptr;
  napi_get_value_double(env, argv[1], &eps);
  float* p[8];
  size_t n[8];
  for (int i = 0; i < 8; i++)
    if (!floats(env, argv[2 + i], &p[i], &n[i])) return nullptr;
  const int64_t size = s[0] * s[1] * s[2] * s[3];
  const int64_t want[8] = {size, s[3], s[3], size, s[3], size, s[3], s[3]};
  for (int i = 0; i < 8; i++)
    if (throwIf(env, static_cast<int64_t>(n[i]) != want[i], "batchNormGrad: array sizes do not match the shape")) return nullptr;
  try {
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
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + err.what()).c_str());
  }
  return nullptr;
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
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
