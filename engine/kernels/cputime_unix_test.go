//go:build unix

package kernels

import "golang.org/x/sys/unix"

// processCPU is the CPU time this process has used, all threads.
func processCPU() float64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) * 1e-9
}
