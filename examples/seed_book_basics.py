# The first examples of the Chinese book excerpt (seed 002): scalars, broadcasting of a row,
# a function with two outputs, the derivative of the sigmoid, updates and a shared accumulator.
import theano
from theano import tensor as T
import numpy as np

x=T.scalar(name='input',dtype='float32')
w=T.scalar(name='weight',dtype='float32')
b=T.scalar(name='bias',dtype='float32')
z=w*x+b
net_input=theano.function(inputs=[w,x,b],outputs=z)
print('net_input: %2f'% net_input(2.0,3.0,0.5))

mytype=T.TensorType('float64',broadcastable=(),name=None,sparse_grad=False)

r=T.row()
print(r.broadcastable) # (True, False)
mtr=T.matrix()
print(mtr.broadcastable) # (False, False)
f_row=theano.function([r, mtr], [r + mtr])
R=np.arange(1,3).reshape(1,2)
print(R)
M=np.arange(1,7).reshape(3, 2)
print(M)
print(f_row(R, M))

data=np.array([[1,2],[3,4]])
shared_data=theano.shared(data)
print(type(shared_data))

x=T.dmatrix('x')
y=T.dmatrix('y')
z=x + y
print(x.owner, y.owner, z.owner.op, z.owner.inputs, z.owner.outputs)

x, y=theano.tensor.fscalars('x', 'y')
z1=x + y
z2=x*y
f=theano.function([x,y],[z1,z2])
print(f(2,3))

x=theano.tensor.fscalar('x')
y=1 / (1 + theano.tensor.exp(-x))
dx=theano.grad(y,x)
f=theano.function([x],dx)
print(f(3))

w=theano.shared(1)
x=theano.tensor.iscalar('x')
f=theano.function([x], w, updates=[[w, w+x]])
print(f(3))
print(w.get_value())

state=theano.shared(0)
inc=T.iscalar('inc')
accumulator=theano.function([inc], state, updates=[(state, state+inc)])
print(state.get_value())
accumulator(1)
print(state.get_value())
