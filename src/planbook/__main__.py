from planbook.cli import main

main()
