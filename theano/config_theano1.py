"""The configuration flag names that Theano 1.0 knew, for telling a misspelled flag from an old one.

A flag in ``THEANO_FLAGS`` or ``~/.theanorc`` that theano-ng implements is set; one that Theano 1.0
knew but that has no meaning here (C compiler, CUDA, cuDNN options...) is accepted silently, so old
configuration files keep working; any other name is a mistake (``floatx`` for ``floatX``) and gets a
warning that names the closest known flag. Names use ``__`` for Theano's dotted sections
(``gcc.cxxflags`` is ``gcc__cxxflags``).
"""

import difflib

# Flags of Theano 1.0 that exist only for its C/GPU machinery or internals: accepted, readable and
# settable with Theano 1.0's default values (so code that reads them keeps working), no effect.
_INF = float("inf")
THEANO1_DEFAULTS = {
    "init_gpu_device": "", "force_device": False, "print_active_device": True,
    "int_division": "int", "assert_no_cpu_op": "ignore", "enable_initial_driver_test": True,
    "gpuarray__sync": False, "gpuarray__preallocate": 0.0, "gpuarray__sched": "default",
    "gpuarray__single_stream": True, "gpuarray__cache_path": "", "pycuda__init": False,
    "cuda__root": "", "cuda__enabled": True, "cuda__include_path": "", "lib__cnmem": 0.0,
    "lib__amdlibm": False, "cublas__lib": "cublas",
    "dnn__enabled": "auto", "dnn__base_path": "", "dnn__include_path": "",
    "dnn__library_path": "", "dnn__bin_path": "", "dnn__conv__algo_fwd": "small",
    "dnn__conv__algo_bwd_data": "none", "dnn__conv__algo_bwd_filter": "none",
    "dnn__conv__precision": "as_input_f32", "dnn__conv__workmem": "",
    "dnn__conv__workmem_bwd": "",
    "magma__enabled": False, "magma__include_path": "", "magma__library_path": "",
    "ctc__root": "", "nvcc__fastmath": False, "nvcc__flags": "", "nvcc__compiler_bindir": "",
    "nvcc__cudafe": "heuristic", "gcc__cxxflags": "", "cmodule__warn_no_version": False,
    "cmodule__remove_gxx_opt": False, "cmodule__compilation_warning": False,
    "cmodule__preload_cache": False, "cmodule__age_thresh_use": 60 * 60 * 24 * 24,
    "cmodule__mac_framework_link": False, "cmodule__debug": False,
    "blas__check_openmp": True, "compile__wait": 5, "compile__timeout": 120,
    "compiledir_format": "compiledir_%(short_platform)s-%(processor)s-%(python_version)s-"
                         "%(python_bitwidth)s",
    "nocleanup": False, "on_shape_error": "warn", "optimizer_verbose": False,
    "check_input": True, "cache_optimizations": False, "reoptimize_unpickled_function": False,
    "check_stack_trace": "off", "vm__lazy": None, "compute_test_value_opt": "off",
    "print_test_value": False, "pickle_test_value": True, "unpickle_function": True,
    "tensor__cmp_sloppy": 0, "tensor__local_elemwise_fusion": True,
    "tensor__insert_inplace_optimizer_validate_nb": -1, "gpuelemwise__sync": True,
    "experimental__unpickle_gpu_on_cpu": False, "experimental__local_alloc_elemwise": True,
    "experimental__local_alloc_elemwise_assert": True, "traceback__compile_limit": 0,
    "unittests__rseed": "666", "metaopt__verbose": 0, "metaopt__optimizer_excluding": "",
    "metaopt__optimizer_including": "", "optdb__position_cutoff": _INF,
    "optdb__max_use_ratio": 8.0, "profile_optimizer": False,
    "profiling__n_apply": 20, "profiling__n_ops": 20, "profiling__output_line_width": 512,
    "profiling__min_memory_size": 1024, "profiling__min_peak_memory": False,
    "profiling__destination": "stderr", "profiling__debugprint": False,
    "profiling__ignore_first_call": False,
    "scan__allow_gc": False, "scan__allow_output_prealloc": True, "scan__debug": False,
    "numpy__seterr_all": "ignore", "numpy__seterr_divide": "None", "numpy__seterr_over": "None",
    "numpy__seterr_under": "None", "numpy__seterr_invalid": "None",
    "DebugMode__check_strides": 0, "DebugMode__warn_input_not_reused": True,
    "DebugMode__check_preallocated_output": "", "DebugMode__check_preallocated_output_ndim": 4,
    "NanGuardMode__action": "raise",
    "warn__ignore_bug_before": "0.8", "warn__argmax_pushdown_bug": False,
    "warn__gpusum_01_011_0111_bug": False, "warn__sum_sum_bug": False,
    "warn__sum_div_dimshuffle_bug": False, "warn__subtensor_merge_bug": False,
    "warn__gpu_set_subtensor1": False, "warn__vm_gc_bug": False,
    "warn__signal_conv2d_interface": False, "warn__reduce_join": False,
    "warn__inc_set_subtensor1": False, "warn__round": True, "warn__identify_1pexp_bug": False,
}
THEANO1_ONLY_FLAGS = frozenset(THEANO1_DEFAULTS)


def closest_flag(name, known):
    """The known flag closest to ``name`` (case-insensitive), or None."""
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return lowered[name.lower()]
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[hits[0]] if hits else None


def unknown_flag_message(name, known, where):
    """The warning for a flag name nobody knows."""
    dotted = name.replace("__", ".")
    msg = f"theano: {where} sets {dotted!r}, which is not a Theano flag; it is ignored."
    hint = closest_flag(name, known)
    if hint is not None:
        msg += f" Did you mean {hint.replace('__', '.')!r}?"
    return msg
