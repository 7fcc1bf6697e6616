# The man page and the bash completion, installed by `make install`.
dist_man_MANS += man/ocirt.8
dist_man_MANS += man/ocishim.8
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completions/bash/ocirt
