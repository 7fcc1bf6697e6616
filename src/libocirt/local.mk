# src/libocirt build rules
