# The German seed tutorial (000): functions, givens, grad, shared variables, updates, and the
# gradient-descent example `d2` that finds the c minimising sum((x - c)**2) for x = [1, 2, 3, 4, 5].
import numpy
import theano
import theano.tensor as T

x = T.lscalar("x")
y = x*2
z = T.exp(x)
f = theano.function([x], x*2)
print(repr(f(3)))                       # array(6)

x = T.dscalar()
y = T.dscalar()
c = T.dscalar()
ff = theano.function([c], x*2+y, givens=[(x, c*10), (y,5)])
print(repr(ff(2)))                      # array(45.0)

x, y = T.dscalars("x", "y")
z = (x+2*y)**2
gx = T.grad(z, x)
gy = T.grad(z, y)
fgy = theano.function([x,y], gy)
print(repr(fgy(1,2)))                   # array(20.0)

x = T.dscalar("x")
b = theano.shared(numpy.array([1,2,3,4,5]))
f = theano.function([x], b * x)
print(repr(f(2)))                       # array([ 2., 4., 6., 8., 10.])
print(repr(b.get_value()))              # array([1,2,3,4,5])
b.set_value([10,11,12])
print(repr(f(2)))                       # array([ 20., 22., 24.])

c = theano.shared(0)
f = theano.function([], c, updates= {c: c+1})
print(repr(f()))                        # array(0)
print(repr(f()))                        # array(1)
print(repr(f()))                        # array(2)

x = T.dvector("x") # input
c = theano.shared(0.)
y = T.sum((x-c)**2)
gc = T.grad(y, c)
d2 = theano.function([x], y, updates={c: c - 0.05*gc})
for _ in range(3):
    print(repr(d2([1,2,3,4,5])))        # array(55.0), array(21.25), array(12.8125)
    print(c.get_value())                # 1.5, 2.25, 2.625
