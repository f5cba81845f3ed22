import DDMShell
import Foundation

exit(await DDMShellMain.main(Array(CommandLine.arguments.dropFirst())))
