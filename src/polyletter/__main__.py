from polyletter.cli import main

main()
