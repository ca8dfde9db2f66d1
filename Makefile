# Shortcuts for ./dev, which does the work (it needs only bash, so it runs before make exists).
.PHONY: run test bench
run:
	./dev run
test:
	./dev test
bench:
	./dev bench
