from rashomon.cli import app

app(prog_name="rashomon")
