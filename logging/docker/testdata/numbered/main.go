// Command numbered prints numbered lines to stdout (and every tenth to
// stderr), for the container tests. Usage: numbered COUNT [DELAY].
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	n, delay := 100, time.Duration(0)
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		delay, _ = time.ParseDuration(os.Args[2])
	}
	for i := 0; i < n; i++ {
		if i%10 == 9 {
			fmt.Fprintf(os.Stderr, "line %05d err\n", i)
		} else {
			fmt.Printf("line %05d out\n", i)
		}
		if delay > 0 {
			time.Sleep(delay)
		}
	}
}
