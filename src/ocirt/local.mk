# src/ocirt build rules
