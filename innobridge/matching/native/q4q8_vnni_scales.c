#if defined(__AVX512VNNI__) && defined(__AVX512F__)
            /* per row group: the weight scales as 16-lane vectors, two Q4 blocks each */
            float dws[RO * 32 * 16];
            if ((nb & 1) == 0 && nb <= 64)
                for (int r = 0; r < ro; r++)
                    for (int p = 0; p < nb / 2; p++)
                        for (int j = 0; j < 16; j++)
                            dws[((size_t)r * 32 + p) * 16 + j] = dwf[r][2 * p + (j >> 3)];
#endif
