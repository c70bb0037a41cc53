"""The configuration flag names that Theano 1.0 knew, for telling a misspelled flag from an old one.

A flag in ``THEANO_FLAGS`` or ``~/.theanorc`` that theano-ng implements is set; one that Theano 1.0
knew but that has no meaning here (C compiler, CUDA, cuDNN options...) is accepted silently, so old
configuration files keep working; any other name is a mistake (``floatx`` for ``floatX``) and gets a
warning that names the closest known flag. Names use ``__`` for Theano's dotted sections
(``gcc.cxxflags`` is ``gcc__cxxflags``).
"""

import difflib

# Flags of Theano 1.0 that exist only for its C/GPU machinery or internals: accepted, no effect.
THEANO1_ONLY_FLAGS = frozenset("""
    init_gpu_device force_device print_active_device int_division assert_no_cpu_op
    enable_initial_driver_test gpuarray__sync gpuarray__preallocate gpuarray__sched
    gpuarray__single_stream gpuarray__cache_path pycuda__init cuda__root cuda__enabled
    cuda__include_path lib__cnmem lib__amdlibm cublas__lib
    dnn__enabled dnn__base_path dnn__include_path dnn__library_path dnn__bin_path
    dnn__conv__algo_fwd dnn__conv__algo_bwd_data dnn__conv__algo_bwd_filter dnn__conv__precision
    dnn__conv__workmem dnn__conv__workmem_bwd
    magma__enabled magma__include_path magma__library_path ctc__root
    nvcc__fastmath nvcc__flags nvcc__compiler_bindir nvcc__cudafe
    gcc__cxxflags cmodule__warn_no_version cmodule__remove_gxx_opt cmodule__compilation_warning
    cmodule__preload_cache cmodule__age_thresh_use cmodule__mac_framework_link cmodule__debug
    blas__check_openmp compile__wait compile__timeout compiledir_format nocleanup
    on_shape_error optimizer_verbose check_input cache_optimizations
    reoptimize_unpickled_function check_stack_trace vm__lazy
    compute_test_value_opt print_test_value pickle_test_value unpickle_function
    tensor__cmp_sloppy tensor__local_elemwise_fusion tensor__insert_inplace_optimizer_validate_nb
    gpuelemwise__sync experimental__unpickle_gpu_on_cpu experimental__local_alloc_elemwise
    experimental__local_alloc_elemwise_assert traceback__compile_limit unittests__rseed
    metaopt__verbose metaopt__optimizer_excluding metaopt__optimizer_including
    optdb__position_cutoff optdb__max_use_ratio profile_optimizer
    profiling__n_apply profiling__n_ops profiling__output_line_width profiling__min_memory_size
    profiling__min_peak_memory profiling__destination profiling__debugprint
    profiling__ignore_first_call
    scan__allow_gc scan__allow_output_prealloc scan__debug
    numpy__seterr_all numpy__seterr_divide numpy__seterr_over numpy__seterr_under
    numpy__seterr_invalid
    DebugMode__check_strides DebugMode__warn_input_not_reused DebugMode__check_preallocated_output
    DebugMode__check_preallocated_output_ndim
    NanGuardMode__action
    warn__ignore_bug_before warn__argmax_pushdown_bug warn__gpusum_01_011_0111_bug
    warn__sum_sum_bug warn__sum_div_dimshuffle_bug warn__subtensor_merge_bug
    warn__gpu_set_subtensor1 warn__vm_gc_bug warn__signal_conv2d_interface warn__reduce_join
    warn__inc_set_subtensor1 warn__round warn__identify_1pexp_bug
""".split())


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
