# Generates the .npy golden files of npy's tests with NumPy itself, so the
# reader is checked against files it did not write. Run from this folder:
#   /usr/bin/python3 gen.py
import numpy as np

np.save("f32_2x3.npy", (np.arange(6, dtype="<f4").reshape(2, 3) * 0.5 - 1))
np.save("i64_4.npy", np.array([-3, 0, 7, 1 << 40], dtype="<i8"))
np.save("f32_scalar.npy", np.array(3.25, dtype="<f4"))
np.save("f32_empty.npy", np.zeros((0, 3), dtype="<f4"))
np.save("f32_nchw.npy", np.linspace(-2, 2, 2 * 3 * 4 * 5, dtype="<f4").reshape(2, 3, 4, 5))
np.save("f64.npy", np.ones(3, dtype="<f8"))
np.save("f32_be.npy", np.ones(3, dtype=">f4"))
np.save("f32_fortran.npy", np.asfortranarray(np.arange(4, dtype="<f4").reshape(2, 2)))
with open("f32_v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([1.5, -2.5], dtype="<f4"), version=(2, 0))
