"""``theano.scan_checkpoints``: a scan that keeps only every ``save_every_N``-th state, for the
gradient of long loops (Theano 1.0's API).

The steps are cut into blocks of ``save_every_N``: an outer scan runs once per block, and its step
is an inner scan over that block's steps that returns only the block's last values. The outer
scan's outputs (the values after each block) are what the gradient loop keeps; the gradient of
each block recomputes the block's steps from the state it started with. Memory for the gradient
goes from one state per step to one per block plus the steps of one block, for about one more
forward pass of time.
"""

import theano.tensor as T
from theano.scan.basic import scan


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def scan_checkpoints(fn, sequences=(), outputs_info=None, non_sequences=(),
                     name="checkpointscan_fn", n_steps=None, save_every_N=10, padding=True):
    """Like ``theano.scan(fn, sequences, outputs_info, non_sequences, n_steps)``, keeping for the
    gradient only the values after every ``save_every_N`` steps (see the module docstring).

    Returns ``(outputs, updates)`` as scan does, except that each output holds its value after
    every block of ``save_every_N`` steps (and after the last, shorter block): ``outputs[-1]`` is
    the value after the last step, as with scan. The restrictions are Theano 1.0's: every sequence
    is read at tap 0 and they have the same length (``n_steps``, when given, is that length or
    less), every state is fed back from the previous step only (taps [-1]), and ``fn`` updates no
    shared variable. ``padding=False`` skips padding the sequences to a multiple of
    ``save_every_N`` (a copy): their length must then be such a multiple.
    """
    seqs = _as_list(sequences)
    infos = _as_list(outputs_info)
    non_seqs = _as_list(non_sequences)
    for s in seqs:
        if isinstance(s, dict):
            raise RuntimeError("scan_checkpoints: sequences are read at tap 0 only; give the "
                               "variables themselves, not dicts with taps")
    for o in infos:
        if isinstance(o, dict) and list(o.get("taps", [-1])) != [-1]:
            raise RuntimeError(f"scan_checkpoints: a state is fed back from the previous step only "
                               f"(taps [-1]), got taps {list(o['taps'])}")
    save_every_N = int(save_every_N)
    if save_every_N < 1:
        raise ValueError(f"scan_checkpoints: save_every_N must be >= 1, got {save_every_N}")
    seqs = [T.as_tensor_variable(s) for s in seqs]
    if n_steps is None:
        if not seqs:
            raise ValueError("scan_checkpoints: give n_steps or at least one sequence")
        n_steps = seqs[0].shape[0]
    n_steps = T.as_tensor_variable(n_steps).astype("int64")
    n_blocks = T.ceil_intdiv(n_steps, save_every_N)
    # steps per block: save_every_N, the last block what is left
    rest = n_steps - (n_blocks - 1) * save_every_N
    steps = T.switch(T.eq(T.arange(n_blocks), n_blocks - 1), rest, save_every_N).astype("int64")

    blocked = []
    for s in seqs:
        length = n_blocks * save_every_N
        if padding:
            pad = T.zeros([length - s.shape[0]] + [s.shape[d] for d in range(1, s.ndim)], dtype=s.dtype)
            s = T.concatenate([s, pad])[:length]
        else:
            s = s[:length]
        blocked.append(s.reshape([n_blocks, save_every_N] + [s.shape[d] for d in range(1, s.ndim)],
                                 ndim=s.ndim + 1))
    n_seq = len(blocked)
    n_state = sum(1 for o in infos if o is not None)

    def block(*args):
        k = args[0]
        block_seqs = list(args[1:1 + n_seq])
        states = list(args[1 + n_seq:1 + n_seq + n_state])
        ns = list(args[1 + n_seq + n_state:])
        inner_infos = []
        it = iter(states)
        for o in infos:
            inner_infos.append(None if o is None else next(it))
        outs, updates = scan(fn, sequences=block_seqs, outputs_info=inner_infos or None,
                             non_sequences=ns, n_steps=k, name=name, return_list=True)
        if updates:
            raise RuntimeError("scan_checkpoints: fn updates shared variables, which a loop "
                               "recomputed for the gradient cannot do")
        return [o[-1] for o in outs]

    outer_infos = []
    for o in infos:
        if o is None:
            outer_infos.append(None)
        else:
            init = o["initial"] if isinstance(o, dict) else o
            outer_infos.append(T.as_tensor_variable(init))
    results, updates = scan(block, sequences=[steps] + blocked, outputs_info=outer_infos or None,
                            non_sequences=non_seqs, name=name, return_list=True)
    if len(results) == 1 and not isinstance(outputs_info, (list, tuple)):
        return results[0], updates
    return results, updates


__all__ = ["scan_checkpoints"]
