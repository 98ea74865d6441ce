from prodtrack.cli import main

main()
