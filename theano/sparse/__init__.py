"""theano.sparse: symbolic SciPy sparse matrices (csr, csc, bsr) with Theano 1.0's API.

    import theano, theano.sparse as S, theano.tensor as T
    x = S.csr_matrix('x'); w = T.dmatrix('w')
    y = S.structured_dot(x, w)          # dense result
    g = theano.grad(y.sum(), w)

Sparse values are SciPy matrices in and out of ``theano.function``; as in Theano 1.0, a dense 2-d
array given for a sparse input (or to a sparse shared variable's ``set_value``) is converted to the
input's format, and a symbolic dense matrix is never made sparse implicitly (``csr_from_dense``).
``theano.shared(scipy_matrix)`` makes a sparse shared variable. Gradients wrt sparse inputs follow Theano's structured convention where the op says so.
"""

import numpy as np
import scipy.sparse as sp

from theano.sparse.type import (SparseType, _is_dense, _is_sparse, all_dtypes, complex_dtypes,  # noqa: F401
                                discrete_dtypes, float_dtypes, int_dtypes, integer_dtypes,
                                sparse_formats, uint_dtypes)
from theano.sparse.var import (SparseConstant, SparseSharedVariable, SparseVariable,  # noqa: F401
                               _sparse_py_operators, shared, sparse_constructor)
from theano.sparse import basic, math, elemwise, indexing  # noqa: F401
from theano.sparse.basic import *  # noqa: F401,F403
from theano.sparse.basic import (CSM, CSC, CSR, CSMGrad, CSMProperties, Cast, DenseFromSparse,  # noqa: F401
                                 EnsureSortedIndices, Remove0, SparseFromDense, Transpose,
                                 _is_dense_variable, _is_sparse_variable, _mtypes, as_sparse,
                                 as_sparse_or_tensor_variable, as_sparse_variable, cast, clean,
                                 constant, csc_from_dense, csm_data, csm_indices, csm_indptr,
                                 csm_properties, csm_shape, csr_from_dense, dense_from_sparse,
                                 ensure_sorted_indices, matrix, csc_matrix, csr_matrix, bsr_matrix,
                                 remove0, transpose, sp_shape, SpShape_i)
from theano.sparse.indexing import (ConstructSparseFromList, Diag, GetItem2d, GetItem2Lists,  # noqa: F401
                                    GetItemList, GetItemScalar, HStack, SparseGradAdvancedSubtensor1,
                                    SquareDiagonal, VStack, construct_sparse_from_list, diag,
                                    getitem, hstack, sparse_grad, square_diagonal, vstack)
from theano.sparse.math import (AddSD, AddSS, AddSSData, ColScaleCSC, Dot, MulSD, MulSS, MulSV,  # noqa: F401
                                Neg, RowScaleCSC, SamplingDot, SpSum, StructuredAddSV, StructuredDot,
                                StructuredDotGradCSC, StructuredDotGradCSR, TrueDot, Usmm, SpOnesLike,
                                SpZerosLike, add, add_s_d, add_s_s, add_s_s_data, col_scale, dot, eq,
                                ge, gt, le, lt, mul, mul_s_d, mul_s_s, mul_s_v, neg, neq, row_scale,
                                sampling_dot, sp_ones_like, sp_sum, sp_zeros_like, structured_add_s_v,
                                structured_dot, structured_dot_grad, sub, true_dot, usmm)
from theano.sparse.elemwise import (abs_, arcsin, arcsinh, arctan, arctanh, ceil, conj, deg2rad,  # noqa: F401
                                    expm1, floor, log1p, rad2deg, rint, round_half_away_from_zero,
                                    round_half_to_even, sgn, sin, sinh, sqr, sqrt, structured_add,
                                    structured_exp, structured_log, structured_maximum,
                                    structured_minimum, structured_monoid, structured_pow,
                                    structured_sigmoid, tan, tanh, trunc)
from theano.sparse import opt  # noqa: F401,E402  registers the sparse rewrites
from theano.sparse.sandbox.sp2 import Binomial, Multinomial, Poisson, binomial, multinomial, poisson  # noqa: F401,E402

enable_sparse = True
issparse = sp.issparse


def verify_grad_sparse(op, pt, structured=False, *args, **kwargs):
    """``theano.gradient.verify_grad`` for functions of sparse (and dense) inputs.

    ``op`` takes symbolic inputs, ``pt`` holds SciPy sparse matrices and ndarrays. Each sparse point
    is varied through its stored values when ``structured`` is True (the gradient is checked on the
    pattern only), else through all its entries (given to ``op`` as ``csr_from_dense`` etc. of a
    dense matrix). A sparse output is compared through its dense value.
    """
    from theano.gradient import verify_grad

    convs, dense_pt = [], []
    for p in pt:
        if sp.issparse(p):
            if p.format not in ("csr", "csc"):
                raise NotImplementedError("verify_grad_sparse: csr and csc points only")
            if structured:
                p = p.copy()
                p.sum_duplicates()
                dense_pt.append(np.array(p.data))
                convs.append(_from_data(p))
            else:
                dense_pt.append(p.toarray())
                convs.append(SparseFromDense(p.format))
        else:
            dense_pt.append(np.asarray(p))
            convs.append(None)

    def fn(*inputs):
        ins = [c(i) if c is not None else i for c, i in zip(convs, inputs)]
        out = op(*ins)
        if isinstance(out, (list, tuple)):
            out = out[0]
        if isinstance(getattr(out, "type", None), SparseType):
            out = DenseFromSparse(structured=structured)(out)
        return out

    return verify_grad(fn, dense_pt, *args, **kwargs)


def _from_data(p):
    ind = np.asarray(p.indices, dtype="int32")
    ptr = np.asarray(p.indptr, dtype="int32")
    shp = np.asarray(p.shape, dtype="int32")
    op = CSM(p.format)

    def conv(data):
        return op(data, ind, ptr, shp)

    return conv
