"""gureum's Python runtime starts here: python3.X -S -u bootstrap_main.py.

The runtime itself is the bootstrap module, which Python then loads from the
bytecode that Runtime.Materialize compiled beside it (a read-only directory
in the sandbox), instead of compiling it at every start.
"""

import bootstrap

bootstrap.main()
