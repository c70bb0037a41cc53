"""A binary restricted Boltzmann machine trained with contrastive divergence (CD-k) or persistent CD,
in the style of Theano 1.0 tutorials: the Gibbs chain is a ``theano.scan`` whose step draws from a
``RandomStreams``; the random-state updates scan returns are passed to ``theano.function``; the chain
end is held constant in the gradient (``consider_constant``).

    python examples/classic/rbm.py [--persistent] [--k K] [--epochs N]
"""

from __future__ import print_function

import sys

import numpy

import theano
import theano.tensor as T
from theano.tensor.shared_randomstreams import RandomStreams


class RBM(object):
    def __init__(self, input=None, n_visible=64, n_hidden=16, W=None, hbias=None, vbias=None,
                 numpy_rng=None, theano_rng=None):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        if numpy_rng is None:
            numpy_rng = numpy.random.RandomState(1234)
        if theano_rng is None:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
        if W is None:
            bound = 4 * numpy.sqrt(6. / (n_hidden + n_visible))
            W = theano.shared(value=numpy.asarray(numpy_rng.uniform(-bound, bound,
                                                                    size=(n_visible, n_hidden)),
                                                  dtype=theano.config.floatX),
                              name='W', borrow=True)
        if hbias is None:
            hbias = theano.shared(value=numpy.zeros(n_hidden, dtype=theano.config.floatX),
                                  name='hbias', borrow=True)
        if vbias is None:
            vbias = theano.shared(value=numpy.zeros(n_visible, dtype=theano.config.floatX),
                                  name='vbias', borrow=True)
        self.input = input if input is not None else T.matrix('input')
        self.W, self.hbias, self.vbias = W, hbias, vbias
        self.theano_rng = theano_rng
        self.params = [self.W, self.hbias, self.vbias]

    def free_energy(self, v_sample):
        wx_b = T.dot(v_sample, self.W) + self.hbias
        vbias_term = T.dot(v_sample, self.vbias)
        hidden_term = T.sum(T.log(1 + T.exp(wx_b)), axis=1)
        return -hidden_term - vbias_term

    def propup(self, vis):
        pre_sigmoid_activation = T.dot(vis, self.W) + self.hbias
        return [pre_sigmoid_activation, T.nnet.sigmoid(pre_sigmoid_activation)]

    def sample_h_given_v(self, v0_sample):
        pre_sigmoid_h1, h1_mean = self.propup(v0_sample)
        h1_sample = self.theano_rng.binomial(size=h1_mean.shape, n=1, p=h1_mean,
                                             dtype=theano.config.floatX)
        return [pre_sigmoid_h1, h1_mean, h1_sample]

    def propdown(self, hid):
        pre_sigmoid_activation = T.dot(hid, self.W.T) + self.vbias
        return [pre_sigmoid_activation, T.nnet.sigmoid(pre_sigmoid_activation)]

    def sample_v_given_h(self, h0_sample):
        pre_sigmoid_v1, v1_mean = self.propdown(h0_sample)
        v1_sample = self.theano_rng.binomial(size=v1_mean.shape, n=1, p=v1_mean,
                                             dtype=theano.config.floatX)
        return [pre_sigmoid_v1, v1_mean, v1_sample]

    def gibbs_hvh(self, h0_sample):
        pre_sigmoid_v1, v1_mean, v1_sample = self.sample_v_given_h(h0_sample)
        pre_sigmoid_h1, h1_mean, h1_sample = self.sample_h_given_v(v1_sample)
        return [pre_sigmoid_v1, v1_mean, v1_sample, pre_sigmoid_h1, h1_mean, h1_sample]

    def gibbs_vhv(self, v0_sample):
        pre_sigmoid_h1, h1_mean, h1_sample = self.sample_h_given_v(v0_sample)
        pre_sigmoid_v1, v1_mean, v1_sample = self.sample_v_given_h(h1_sample)
        return [pre_sigmoid_h1, h1_mean, h1_sample, pre_sigmoid_v1, v1_mean, v1_sample]

    def get_cost_updates(self, lr=0.1, persistent=None, k=1):
        pre_sigmoid_ph, ph_mean, ph_sample = self.sample_h_given_v(self.input)
        chain_start = ph_sample if persistent is None else persistent
        (
            [pre_sigmoid_nvs, nv_means, nv_samples, pre_sigmoid_nhs, nh_means, nh_samples],
            updates
        ) = theano.scan(
            self.gibbs_hvh,
            outputs_info=[None, None, None, None, None, chain_start],
            n_steps=k,
            name='gibbs_hvh'
        )
        chain_end = nv_samples[-1]
        cost = T.mean(self.free_energy(self.input)) - T.mean(self.free_energy(chain_end))
        gparams = T.grad(cost, self.params, consider_constant=[chain_end])
        for gparam, param in zip(gparams, self.params):
            updates[param] = param - gparam * T.cast(lr, dtype=theano.config.floatX)
        if persistent:
            updates[persistent] = nh_samples[-1]
            monitoring_cost = self.get_pseudo_likelihood_cost(updates)
        else:
            monitoring_cost = self.get_reconstruction_cost(pre_sigmoid_nvs[-1])
        return monitoring_cost, updates, chain_end

    def get_pseudo_likelihood_cost(self, updates):
        bit_i_idx = theano.shared(value=0, name='bit_i_idx')
        xi = T.round(self.input)
        fe_xi = self.free_energy(xi)
        xi_flip = T.set_subtensor(xi[:, bit_i_idx], 1 - xi[:, bit_i_idx])
        fe_xi_flip = self.free_energy(xi_flip)
        cost = T.mean(self.n_visible * T.log(T.nnet.sigmoid(fe_xi_flip - fe_xi)))
        updates[bit_i_idx] = (bit_i_idx + 1) % self.n_visible
        return cost

    def get_reconstruction_cost(self, pre_sigmoid_nv):
        return T.mean(T.sum(self.input * T.log(T.nnet.sigmoid(pre_sigmoid_nv)) +
                            (1 - self.input) * T.log(1 - T.nnet.sigmoid(pre_sigmoid_nv)), axis=1))


def make_patterns(n=400, n_visible=64, n_prototypes=4, flip=0.05, seed=0):
    rng = numpy.random.RandomState(seed)
    protos = rng.binomial(1, 0.5, size=(n_prototypes, n_visible))
    x = protos[rng.randint(n_prototypes, size=n)]
    return numpy.abs(x - rng.binomial(1, flip, size=x.shape)).astype(theano.config.floatX)


def train_rbm(data, learning_rate=0.1, training_epochs=10, batch_size=20, n_hidden=16, k=1,
              persistent=False, verbose=True, seed=123):
    train_set_x = theano.shared(numpy.asarray(data, dtype=theano.config.floatX), borrow=True)
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    index = T.lscalar()
    x = T.matrix('x')
    rng = numpy.random.RandomState(seed)
    theano_rng = RandomStreams(rng.randint(2 ** 30))
    persistent_chain = None
    if persistent:
        persistent_chain = theano.shared(numpy.zeros((batch_size, n_hidden),
                                                     dtype=theano.config.floatX), borrow=True)
    rbm = RBM(input=x, n_visible=data.shape[1], n_hidden=n_hidden, numpy_rng=rng,
              theano_rng=theano_rng)
    cost, updates, chain_end = rbm.get_cost_updates(lr=learning_rate, persistent=persistent_chain,
                                                    k=k)
    train_rbm_fn = theano.function(
        [index], cost, updates=updates,
        givens={x: train_set_x[index * batch_size: (index + 1) * batch_size]},
        name='train_rbm')
    # reconstruction error with mean-field passes, for monitoring either way
    v = T.matrix('v')
    _, h_mean = rbm.propup(v)
    _, v_mean = rbm.propdown(h_mean)
    recon_fn = theano.function([v], T.mean(T.sum((v - v_mean) ** 2, axis=1)))
    recon_errors, costs = [recon_fn(data)], []
    for epoch in range(training_epochs):
        mean_cost = [train_rbm_fn(batch_index) for batch_index in range(n_train_batches)]
        costs.append(float(numpy.mean(mean_cost)))
        recon_errors.append(float(recon_fn(data)))
        if verbose:
            print('Training epoch %d, cost is %f, reconstruction error %f'
                  % (epoch, costs[-1], recon_errors[-1]))
    return dict(rbm=rbm, costs=costs, recon_errors=recon_errors, train_fn=train_rbm_fn,
                updates=updates, persistent_chain=persistent_chain)


def sample_chains(rbm, test_set, n_chains=5, n_samples=3, plot_every=10, seed=7):
    """Run Gibbs chains started at test examples; returns the visible means every plot_every steps."""
    persistent_vis_chain = theano.shared(numpy.asarray(test_set[:n_chains],
                                                       dtype=theano.config.floatX))
    (
        [presig_hids, hid_mfs, hid_samples, presig_vis, vis_mfs, vis_samples],
        updates
    ) = theano.scan(rbm.gibbs_vhv, outputs_info=[None, None, None, None, None, persistent_vis_chain],
                    n_steps=plot_every, name='gibbs_vhv')
    updates.update({persistent_vis_chain: vis_samples[-1]})
    sample_fn = theano.function([], [vis_mfs[-1], vis_samples[-1]], updates=updates,
                                name='sample_fn')
    return [sample_fn() for _ in range(n_samples)], persistent_vis_chain


if __name__ == '__main__':
    args = sys.argv[1:]
    k = int(args[args.index('--k') + 1]) if '--k' in args else 1
    n_epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 10
    data = make_patterns()
    result = train_rbm(data, k=k, training_epochs=n_epochs, persistent='--persistent' in args)
    samples, _ = sample_chains(result['rbm'], data)
    print('sample means in [0, 1]:', all(((m >= 0) & (m <= 1)).all() for m, _ in samples))
