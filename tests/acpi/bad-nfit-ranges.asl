/*
 * bad-nfit-ranges.asl: an NFIT whose SPA ranges and references are wrong
 * in every way that survives iasl and QEMU (no patching needed).
 *
 * Booted by tests/test-all next to QEMU's own NVDIMM; the kernel must
 * refuse or ignore each of these, keep QEMU's region, and go on to PASS.
 * No range here may overlap QEMU's NVDIMM at 4 GiB: whichever NFIT came
 * first would keep it, and the real region could be the one refused.
 *
 *   0x028  SPA range 20, PM, 0x10000000 + 16 MiB     overlaps RAM: refused
 *   0x060  SPA range 21, PM, 0x190000000 + 0         empty: refused
 *   0x098  SPA range 22, PM, 0x1a0000800 + 1 MiB     not 4 KiB aligned: refused
 *   0x0d0  SPA range 23, the PM GUID with its bytes in text order
 *          (79d3f066-f3b4-7440-...): not persistent memory, ignored (warning)
 *   0x108  memory device map 0x20 -> control region 29: missing, refused
 *   0x138  memory device map 0x21 -> SPA range 28: missing, refused
 *   0x168  control region 24                         valid
 */
[0004]                          Signature : "NFIT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "ZDKTST"
[0008]                       Oem Table ID : "BADRANGE"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                           Reserved : 00000000

[0002]                      Subtable Type : 0000 [System Physical Address Range]
[0002]                             Length : 0038
[0002]                        Range Index : 0014
[0002]              Flags (decoded below) : 0000
                Add/Online Operation Only : 0
                   Proximity Domain Valid : 0
[0004]                           Reserved : 00000000
[0004]                   Proximity Domain : 00000000
[0016]                   Region Type GUID : 66F0D379-B4F3-4074-AC43-0D3318B78CDB
[0008]                 Address Range Base : 0000000010000000
[0008]               Address Range Length : 0000000001000000
[0008]               Memory Map Attribute : 0000000000008008

[0002]                      Subtable Type : 0000 [System Physical Address Range]
[0002]                             Length : 0038
[0002]                        Range Index : 0015
[0002]              Flags (decoded below) : 0000
                Add/Online Operation Only : 0
                   Proximity Domain Valid : 0
[0004]                           Reserved : 00000000
[0004]                   Proximity Domain : 00000000
[0016]                   Region Type GUID : 66F0D379-B4F3-4074-AC43-0D3318B78CDB
[0008]                 Address Range Base : 0000000190000000
[0008]               Address Range Length : 0000000000000000
[0008]               Memory Map Attribute : 0000000000008008

[0002]                      Subtable Type : 0000 [System Physical Address Range]
[0002]                             Length : 0038
[0002]                        Range Index : 0016
[0002]              Flags (decoded below) : 0000
                Add/Online Operation Only : 0
                   Proximity Domain Valid : 0
[0004]                           Reserved : 00000000
[0004]                   Proximity Domain : 00000000
[0016]                   Region Type GUID : 66F0D379-B4F3-4074-AC43-0D3318B78CDB
[0008]                 Address Range Base : 00000001A0000800
[0008]               Address Range Length : 0000000000100000
[0008]               Memory Map Attribute : 0000000000008008

[0002]                      Subtable Type : 0000 [System Physical Address Range]
[0002]                             Length : 0038
[0002]                        Range Index : 0017
[0002]              Flags (decoded below) : 0000
                Add/Online Operation Only : 0
                   Proximity Domain Valid : 0
[0004]                           Reserved : 00000000
[0004]                   Proximity Domain : 00000000
[0016]                   Region Type GUID : 79D3F066-F3B4-7440-AC43-0D3318B78CDB
[0008]                 Address Range Base : 00000001B0000000
[0008]               Address Range Length : 0000000004000000
[0008]               Memory Map Attribute : 0000000000008008

[0002]                      Subtable Type : 0001 [Memory Range Map]
[0002]                             Length : 0030
[0004]                      Device Handle : 00000020
[0002]                        Physical Id : 0000
[0002]                          Region Id : 0000
[0002]                        Range Index : 0017
[0002]               Control Region Index : 001D
[0008]                        Region Size : 0000000001000000
[0008]                      Region Offset : 0000000000000000
[0008]                Address Region Base : 0000000000000000
[0002]                   Interleave Index : 0000
[0002]                    Interleave Ways : 0001
[0002]                              Flags : 0000
                    Save to device failed : 0
               Restore from device failed : 0
                    Platform flush failed : 0
                         Device not armed : 0
                   Health events observed : 0
                    Health events enabled : 0
                           Mapping failed : 0
[0002]                           Reserved : 0000

[0002]                      Subtable Type : 0001 [Memory Range Map]
[0002]                             Length : 0030
[0004]                      Device Handle : 00000021
[0002]                        Physical Id : 0000
[0002]                          Region Id : 0000
[0002]                        Range Index : 001C
[0002]               Control Region Index : 0018
[0008]                        Region Size : 0000000001000000
[0008]                      Region Offset : 0000000000000000
[0008]                Address Region Base : 0000000000000000
[0002]                   Interleave Index : 0000
[0002]                    Interleave Ways : 0001
[0002]                              Flags : 0000
                    Save to device failed : 0
               Restore from device failed : 0
                    Platform flush failed : 0
                         Device not armed : 0
                   Health events observed : 0
                    Health events enabled : 0
                           Mapping failed : 0
[0002]                           Reserved : 0000

[0002]                      Subtable Type : 0004 [NVDIMM Control Region]
[0002]                             Length : 0050
[0002]                       Region Index : 0018
[0002]                          Vendor Id : 8086
[0002]                          Device Id : 0001
[0002]                        Revision Id : 0001
[0002]                Subsystem Vendor Id : 0000
[0002]                Subsystem Device Id : 0000
[0002]              Subsystem Revision Id : 0000
[0001]                       Valid Fields : 00
[0001]             Manufacturing Location : 00
[0002]                 Manufacturing Date : 0000
[0002]                           Reserved : 0000
[0004]                      Serial Number : 0000BAD2
[0002]                               Code : 0301
[0002]                       Window Count : 0000
[0008]                        Window Size : 0000000000000000
[0008]                     Command Offset : 0000000000000000
[0008]                       Command Size : 0000000000000000
[0008]                      Status Offset : 0000000000000000
[0008]                        Status Size : 0000000000000000
[0002]                              Flags : 0000
                         Windows buffered : 0
[0006]                          Reserved1 : 000000000000
