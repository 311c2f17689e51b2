/*
 * Build-time generator: turns the default templates and themes into C
 * arrays so that rbc works wherever it is copied.  Prints C on stdout.
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char *argv[])
{
	int i, c;
	size_t n;

	puts("#include <stddef.h>");
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		printf("static const unsigned char f%d[] = {", i);
		n = 0;
		while ((c = getc(f)) != EOF)
			printf("%s%d,", n++ % 24 ? "" : "\n", c);
		printf("0};\n");
		fclose(f);
	}
	puts("#include \"util.h\"");
	puts("const struct embedded embedded_files[] = {");
	for (i = 1; i < argc; i++)
		printf("\t{ \"%s\", f%d, sizeof(f%d) - 1 },\n", argv[i], i, i);
	puts("\t{ NULL, NULL, 0 }\n};");
	return 0;
}
