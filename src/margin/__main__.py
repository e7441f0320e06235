from margin.cli import run

run()
