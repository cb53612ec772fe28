"""The parts of scripts/load: the page it posts (``page``), the processes it starts and
watches (``procs``), the client that measures (``client``) and the privacy check it ends
with (``privacy``). Importable only from scripts/load, which puts scripts/ on ``sys.path``."""
