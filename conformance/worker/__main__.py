from conformance.worker.server import main

main()
