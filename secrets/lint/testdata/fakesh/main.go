// Command fakesh stands in for /bin/sh in the FROM scratch images
// TestLintImage builds (no image can be pulled): the builder runs each
// RUN step as /bin/sh -c CMD, and this shell succeeds without doing
// anything, so the steps land in the image history as they were written.
package main

func main() {}
