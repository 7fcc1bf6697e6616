# libocispec build rules
