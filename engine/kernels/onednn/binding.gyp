{
  "targets": [
    {
      "target_name": "lrlab_onednn",
      "sources": ["onednn.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-ffp-contract=off", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldnnl"]
    }
  ]
}
