# The scan example of the Chinese book excerpt (seed 002): the terms of a polynomial and their sum.
import theano
import theano.tensor as T
import numpy as np
def one_step(coef, power, x):
    return coef * x ** power
coefs=T.ivector()
powers=T.ivector()
x=T.iscalar()
result, updates=theano.scan(fn=one_step, sequences=[coefs, powers], outputs_info=None, non_sequences=x)
f_poly=theano.function([x, coefs, powers], result, allow_input_downcast=True)
coef_val=np.array([2,3,4,6,5])
power_val=np.array([0,1,2,3,4])
x_val=10
print("多项式各项的值: ",f_poly(x_val, coef_val, power_val))
f_poly=theano.function([x, coefs, powers], result.sum(), allow_input_downcast=True)
print("多项式和的值:",f_poly(x_val, coef_val, power_val))
