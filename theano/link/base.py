"""The interface every backend ("linker") implements, and the rules they share.

A backend turns a rewritten ``FunctionGraph`` into a *thunk*: a callable taking the list of input
values (in ``fgraph.inputs`` order) and returning the list of output values. It says which graph
rewrites it needs (tags added to the mode's optimizer), and how each node runs.

    class MyBackend(Backend):
        name = "mine"

        def make_thunk(self, fgraph, profile=None):
            nodes = fgraph.toposort()
            if needs_lazy_vm(nodes):
                return lazy_thunk(fgraph, nodes, self.allow_gc, profile)
            ...   # generate and return a thunk

    register_linker("mine", MyBackend)

Rules every backend follows:

- The way each node runs is chosen once, in ``make_thunk``, from static facts (the op, dtypes,
  ndim, broadcast pattern, config flags): never from timings or call counts, so a compiled
  function gives the same bits on every call.
- A graph with a lazy op (``op.lazy``, such as ifelse) runs on the reference LazyVM, which
  evaluates only the branch taken (``needs_lazy_vm``, the one place this rule lives).
- A thunk may be called from several threads at once (each call its own storage, or a lock).
- The thunk carries ``node_paths``: ``[(node, label)]`` in execution order, saying how each node
  runs ("ufunc", "kernel", "perform", ...; see ``theano.printing.describe``).
"""


def needs_lazy_vm(nodes):
    """Whether a graph with these nodes must run on the lazy VM (it has a lazy op)."""
    return any(getattr(n.op, "lazy", False) for n in nodes)


def lazy_thunk(fgraph, nodes, allow_gc=True, profile=None):
    """The reference LazyVM for ``fgraph``, its nodes labelled 'perform (lazy VM)'."""
    from theano.link.python.vm import LazyVM

    vm = LazyVM(fgraph, nodes, allow_gc, profile)
    vm.node_paths = [(n, "perform (lazy VM)") for n in nodes]
    return vm


class Backend:
    """Base class of the backends: ``make_thunk`` and ``required_rewrites``."""

    name = None

    def __init__(self, allow_gc=True):
        self.allow_gc = allow_gc

    def make_thunk(self, fgraph, profile=None):
        """The callable ``thunk(input_values) -> output_values`` of ``fgraph``."""
        raise NotImplementedError

    def required_rewrites(self):
        """Rewrite tags this backend needs on top of the mode's optimizer."""
        return ()
