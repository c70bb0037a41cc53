# The ifelse/switch example of the Chinese book excerpt (seed 002), exactly as printed there
# (including Python 2's time.clock, which theano-ng restores as an alias of time.perf_counter).
from theano import tensor as T
from theano.ifelse import ifelse
import theano,time,numpy
a,b=T.scalars('a','b')
x,y=T.matrices('x','y')
z_switch=T.switch(T.lt(a,b),T.mean(x),T.mean(y))
z_lazy=ifelse(T.lt(a,b),T.mean(x),T.mean(y))
f_switch=theano.function([a, b, x, y], z_switch,mode=theano.Mode(linker='vm'))
f_lazyifelse=theano.function([a, b, x, y], z_lazy,mode=theano.Mode(linker='vm'))
val1=0.
val2=1.
big_mat1=numpy.ones((1000, 100))
big_mat2=numpy.ones((1000, 100))
n_times=10
tic=time.clock()
for i in range(n_times):
    f_switch(val1, val2, big_mat1, big_mat2)
print('time spent evaluating both values %f sec' % (time.clock() - tic))
tic=time.clock()
for i in range(n_times):
    f_lazyifelse(val1, val2, big_mat1, big_mat2)
print('time spent evaluating one value %f sec' % (time.clock() - tic))
