"""Data-parallel training over several processes (hosts) with theano-ng's JAX backend.

Run one copy of this program per host (here: per local process), each with its process id:

    python examples/jax_multihost.py --coordinator HOST0:12355 --num-processes 2 --process-id 0
    python examples/jax_multihost.py --coordinator HOST0:12355 --num-processes 2 --process-id 1

Each process calls ``jax.distributed.initialize`` before compiling anything; then
``theano.Mode(linker='jax', data_parallel=True)`` builds a mesh over the devices of *every*
process. Each process passes its own part of the batch (the global batch is the parts one after
another, in process order), the shared parameters start with the same values everywhere (the same
seed), and the gradients are summed over all processes by XLA, so every process holds the same
parameters after each step. On CPUs the cross-process collectives use gloo; on GPUs, NCCL.

Each process prints ``RESULT <cost> <checksum of the parameters>`` (the same line in every
process) and ``REFERENCE ...``: the same training on this process alone, one device, whole batch.
"""

import argparse


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coordinator", default="localhost:12355", help="host:port of process 0")
    ap.add_argument("--num-processes", type=int, default=1)
    ap.add_argument("--process-id", type=int, default=0)
    ap.add_argument("--steps", type=int, default=10)
    args = ap.parse_args(argv)

    import jax

    # collectives between processes on CPUs (GPUs use NCCL); set before JAX starts its backend
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    if args.num_processes > 1:
        jax.distributed.initialize(coordinator_address=args.coordinator,
                                   num_processes=args.num_processes, process_id=args.process_id)

    import numpy as np

    import theano
    import theano.tensor as T

    batch, n_in, n_hidden, n_out = 16, 6, 10, 3
    data = np.random.RandomState(0)
    xs = data.randn(batch, n_in)
    ys = data.randint(0, n_out, batch)
    part = batch // args.num_processes
    mine = slice(args.process_id * part, (args.process_id + 1) * part)

    def build(mode):
        init = np.random.RandomState(1)        # the same starting parameters in every process
        W = theano.shared(0.3 * init.randn(n_in, n_hidden), name="W")
        b = theano.shared(np.zeros(n_hidden), name="b")
        V = theano.shared(0.3 * init.randn(n_hidden, n_out), name="V")
        x, y = T.dmatrix("x"), T.lvector("y")
        prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W) + b), V))
        cost = -T.log(prob[T.arange(y.shape[0]), y]).mean()
        params = [W, b, V]
        updates = [(p, p - 0.5 * g) for p, g in zip(params, T.grad(cost, params))]
        return theano.function([x, y], cost, updates=updates, mode=mode), params

    def train(mode, x, y):
        step, params = build(mode)
        for _ in range(args.steps):
            cost = float(step(x, y))
        return cost, sum(float(np.sum(p.get_value())) for p in params)

    cost, check = train(theano.Mode(linker="jax", data_parallel=True), xs[mine], ys[mine])
    print(f"RESULT {cost:.12f} {check:.12f}", flush=True)
    ref_cost, ref_check = train(theano.Mode(linker="jax"), xs, ys)
    print(f"REFERENCE {ref_cost:.12f} {ref_check:.12f}", flush=True)
    print(f"process {jax.process_index()} of {jax.process_count()}, devices {jax.device_count()}",
          flush=True)


if __name__ == "__main__":
    main()
