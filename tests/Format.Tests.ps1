# The module's default views (module/DockerHubPat.Format.ps1xml) as a user sees them: the token
# table fits an 80-column console with every full id, the state (Active, Inactive, Expired), expiry,
# last use and the label cut with an ellipsis; wider consoles show more of the label and
# `-View Detailed` adds scopes and creation; the list view shows every property and never a secret;
# the session table fits 80 columns too. Token data is planted on the emulator with fixed UTC
# instants, so the expected text can be computed exactly. The last block reads a real 80-column
# console under tmux, whose tables are one column narrower than Out-String -Width 80 makes them.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:Ansi = "`e\[[0-9;?]*[A-Za-z]"

    function Get-Lines {
        # The text as lines, without colour escapes and without the blank lines Out-String adds around a view.
        param([string] $Text)
        @(($Text -replace $script:Ansi, '') -split '\r?\n')
    }

    function ConvertFrom-TableText {
        # Reads a Format-Table text back into one ordered dictionary per row, keyed by the column header.
        # Cells are cut at the header's column starts, which is how the table lays them out.
        param([Parameter(Mandatory)][string] $Text)
        $lines = Get-Lines $Text
        $headerIndex = -1
        for ($i = 0; $i -lt $lines.Count - 1; $i++) {
            if ($lines[$i].Trim() -and $lines[$i + 1] -match '^[\s-]+$' -and $lines[$i + 1].Contains('-')) { $headerIndex = $i; break }
        }
        if ($headerIndex -lt 0) { throw "No table header in:`n$Text" }
        $columns = @([regex]::Matches($lines[$headerIndex], '\S+') | ForEach-Object { [pscustomobject]@{ Name = $_.Value; Start = $_.Index } })
        for ($r = $headerIndex + 2; $r -lt $lines.Count -and $lines[$r].Trim(); $r++) {
            $line = $lines[$r]
            $row = [ordered]@{}
            for ($c = 0; $c -lt $columns.Count; $c++) {
                $start = $columns[$c].Start
                $end = if ($c -lt $columns.Count - 1) { $columns[$c + 1].Start } else { [Math]::Max($line.Length, $start) }
                $row[$columns[$c].Name] = if ($line.Length -le $start) { '' } else { $line.Substring($start, [Math]::Min($end, $line.Length) - $start).Trim() }
            }
            $row
        }
    }

    function Get-HeaderNames {
        param([Parameter(Mandatory)][string] $Text)
        $lines = Get-Lines $Text
        for ($i = 0; $i -lt $lines.Count - 1; $i++) {
            if ($lines[$i].Trim() -and $lines[$i + 1] -match '^[\s-]+$' -and $lines[$i + 1].Contains('-')) {
                return $lines[$i].Trim() -split '\s+'
            }
        }
    }

    function ConvertFrom-ListText {
        # Reads Format-List text into one ordered dictionary per object: 'Name : value' lines.
        param([Parameter(Mandatory)][string] $Text)
        $current = $null
        foreach ($line in Get-Lines $Text) {
            if (-not $line.Trim()) {
                if ($current) { $current; $current = $null }
                continue
            }
            if ($line -match '^(?<name>\S+)\s*:\s?(?<value>.*)$') {
                if (-not $current) { $current = [ordered]@{} }
                $current[$Matches.name] = $Matches.value.Trim()
            }
        }
        if ($current) { $current }
    }

    function Get-LocalDay {
        # The local day of a UTC instant, as the views show it.
        param([Parameter(Mandatory)][string] $Utc)
        [DateTimeOffset]::Parse($Utc, [Globalization.CultureInfo]::InvariantCulture).UtcDateTime.ToLocalTime().ToString('yyyy-MM-dd')
    }

    # Fixed instants, chosen 10-13 h from midnight UTC so that UTC+14 falls on the next day.
    $script:Created = '2024-03-10T12:00:00Z'
    $script:Used = '2025-01-02T13:30:00Z'
    $script:Expires = '2031-05-05T20:00:00Z'

    $script:LongLabel = 'fmt long label for the nightly continuous integration deployment of the web frontend'
    $script:MaxLabel = 'fmt-' + ('y' * 96)
    $script:Account = New-TestAccount -Prefix 'fmt'
    $script:Planted = @(Add-TestToken -Username $script:Account.Username -Token @(
            @{ token_label = $script:LongLabel; scopes = @('repo:admin', 'repo:write', 'repo:read', 'repo:public_read')
                last_used = $script:Used; created_at = $script:Created; expires_at = $script:Expires }
            @{ token_label = 'fmt never used, never expires'; scopes = @('repo:read', 'repo:write'); created_at = '2024-06-01T08:00:00Z' }
            @{ token_label = 'fmt-inactive'; is_active = $false; scopes = $null
                last_used = '2024-12-24T23:30:00Z'; created_at = '2023-01-01T00:00:00Z'; expires_at = '2030-01-01T10:00:00Z' }
            @{ token_label = $script:MaxLabel; scopes = @('repo:public_read'); created_at = '2024-02-02T02:02:02Z' }
            # Hub keeps an expired token active; the table must still say it no longer works.
            @{ token_label = 'fmt-expired'; scopes = @('repo:read'); created_at = '2023-02-01T12:00:00Z'; expires_at = '2024-02-01T12:00:00Z' }
            @{ token_label = 'fmt-expired-inactive'; is_active = $false; scopes = @('repo:read')
                created_at = '2023-02-01T12:00:00Z'; expires_at = '2024-02-01T12:00:00Z' }
        ))
    $script:StateOf = @{ 'fmt-inactive' = 'Inactive'; 'fmt-expired' = 'Expired'; 'fmt-expired-inactive' = 'Expired' }
    $script:ById = @{}
    foreach ($t in $script:Planted) { $script:ById[$t.uuid] = $t }

    $script:Session = Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -PassThru
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubAccessToken at <Width> columns (the default table)' -ForEach @(
    @{ Width = 80 }
    @{ Width = 120 }
) {
    BeforeAll {
        $text = Get-HubAccessToken | Out-String -Width $Width
        $rows = @(ConvertFrom-TableText $text)
        $rowOf = @{}
        foreach ($row in $rows) { $rowOf[$row.Id] = $row }
        $long = $script:Planted | Where-Object token_label -EQ $script:LongLabel
    }

    It 'is the default view: Format-Table renders the same table' {
        $table = Get-HubAccessToken | Format-Table | Out-String -Width $Width
        ($table -replace $script:Ansi, '').Trim() | Should -BeExactly ($text -replace $script:Ansi, '').Trim()
    }

    It 'has the columns Id, State, Expires, LastUsed, Label in that order' {
        @(Get-HeaderNames $text) | Should -Be @('Id', 'State', 'Expires', 'LastUsed', 'Label')
    }

    It 'puts each token on one line no wider than <Width> characters' {
        $wide = @(Get-Lines $text | Where-Object { $_.Length -gt $Width })
        $wide | Should -BeNullOrEmpty -Because "no line may be wider than $Width columns:`n$($wide -join "`n")"
        # Header, rule, one line per token: nothing wrapped into a second line.
        @(Get-Lines $text | Where-Object { $_.Trim() }).Count | Should -Be (2 + $script:Planted.Count) -Because $text
    }

    It 'shows every token''s full 36-character id' {
        $rows.Count | Should -Be $script:Planted.Count
        foreach ($token in $script:Planted) {
            $rowOf.ContainsKey($token.uuid) | Should -BeTrue -Because "the id $($token.uuid) must be shown whole"
        }
    }

    It 'reads Expired for a token past its expiry (active or not), Inactive for a disabled one, Active otherwise' {
        foreach ($token in $script:Planted) {
            $expected = if ($script:StateOf.ContainsKey($token.token_label)) { $script:StateOf[$token.token_label] } else { 'Active' }
            $rowOf[$token.uuid].State | Should -BeExactly $expected -Because $token.token_label
        }
    }

    It 'shows expiry and last use as local days, or Never' {
        $rowOf[$long.uuid].Expires | Should -BeExactly (Get-LocalDay $script:Expires)
        $rowOf[$long.uuid].LastUsed | Should -BeExactly (Get-LocalDay $script:Used)
        $never = $script:Planted | Where-Object token_label -EQ 'fmt never used, never expires'
        $rowOf[$never.uuid].Expires | Should -BeExactly 'Never'
        $rowOf[$never.uuid].LastUsed | Should -BeExactly 'Never'
    }

    It 'cuts a long label with an ellipsis, and shows a short one whole' {
        $cell = $rowOf[$long.uuid].Label
        $cell | Should -Match '…$'
        $cell.Length | Should -BeGreaterThan 5
        $script:LongLabel.StartsWith($cell.TrimEnd([char]0x2026)) | Should -BeTrue -Because "'$cell' should be the start of the label"
        $short = $script:Planted | Where-Object token_label -EQ 'fmt-inactive'
        $rowOf[$short.uuid].Label | Should -BeExactly 'fmt-inactive'
    }
}

Describe 'A wider console shows more' {
    It 'shows more of a long label at 120 columns than at 80' {
        $long = $script:Planted | Where-Object token_label -EQ $script:LongLabel
        $at80 = (@(ConvertFrom-TableText (Get-HubAccessToken -Id $long.uuid | Out-String -Width 80)))[0].Label
        $at120 = (@(ConvertFrom-TableText (Get-HubAccessToken -Id $long.uuid | Out-String -Width 120)))[0].Label
        $at120.Length | Should -BeGreaterThan ($at80.Length + 30)
        $script:LongLabel.StartsWith($at120.TrimEnd([char]0x2026)) | Should -BeTrue
    }

    Context 'Format-Table -View Detailed at 120 columns' {
        BeforeAll {
            $text = Get-HubAccessToken | Format-Table -View Detailed | Out-String -Width 120
            $rowOf = @{}
            foreach ($row in ConvertFrom-TableText $text) { $rowOf[$row.Id] = $row }
        }

        It 'has the columns Id, State, Created, Expires, LastUsed, Scopes, Label, each token on one line of at most 120' {
            @(Get-HeaderNames $text) | Should -Be @('Id', 'State', 'Created', 'Expires', 'LastUsed', 'Scopes', 'Label')
            @(Get-Lines $text | Where-Object { $_.Length -gt 120 }) | Should -BeNullOrEmpty
            @(Get-Lines $text | Where-Object { $_.Trim() }).Count | Should -Be (2 + $script:Planted.Count)
            $rowOf.Count | Should -Be $script:Planted.Count
        }

        It 'shows the creation as the local day and the state' {
            foreach ($token in $script:Planted) {
                $rowOf[$token.uuid].Created | Should -BeExactly (Get-LocalDay $token.created_at) -Because $token.token_label
            }
            $rowOf[($script:Planted | Where-Object token_label -EQ 'fmt-expired').uuid].State | Should -BeExactly 'Expired'
        }

        It 'shows the scopes joined with commas, without their common repo: prefix' {
            $long = $script:Planted | Where-Object token_label -EQ $script:LongLabel
            # Four scopes do not fit: the list is cut at the column's end.
            $rowOf[$long.uuid].Scopes | Should -BeLike 'admin,write,*'
            $two = $script:Planted | Where-Object token_label -EQ 'fmt never used, never expires'
            $rowOf[$two.uuid].Scopes | Should -BeExactly 'read,write'
            $none = $script:Planted | Where-Object token_label -EQ 'fmt-inactive'
            $rowOf[$none.uuid].Scopes | Should -BeExactly ''
        }
    }
}

Describe 'IsExpired and State on the output objects' {
    It 'IsExpired is true once ExpiresAt has passed, false before it and when the token never expires' {
        $tokens = @(Get-HubAccessToken)
        foreach ($token in $tokens) {
            $planted = $script:ById["$($token.Id)"]
            $expected = $null -ne $planted.expires_at -and [DateTimeOffset]::Parse($planted.expires_at) -le [DateTimeOffset]::UtcNow
            $token.IsExpired | Should -Be $expected -Because $token.Label
            $token.IsExpired | Should -BeOfType [bool]
        }
        @($tokens | Where-Object IsExpired).Count | Should -Be 2
    }

    It 'State says Active, Inactive or Expired, and Get-HubAccessToken -Expired lists the same tokens as IsExpired' {
        $tokens = @(Get-HubAccessToken)
        foreach ($token in $tokens) {
            $expected = if ($script:StateOf.ContainsKey($token.Label)) { $script:StateOf[$token.Label] } else { 'Active' }
            $token.State | Should -BeExactly $expected -Because $token.Label
        }
        @(Get-HubAccessToken -Expired).Id | Sort-Object | Should -Be (@($tokens | Where-Object IsExpired).Id | Sort-Object)
    }
}

Describe 'Dates in a far time zone (TZ=Pacific/Kiritimati, UTC+14)' {
    BeforeAll {
        $zone = [TimeZoneInfo]::FindSystemTimeZoneById('Pacific/Kiritimati')
        function Get-KiritimatiDay([string] $Utc) {
            $instant = [DateTimeOffset]::Parse($Utc, [Globalization.CultureInfo]::InvariantCulture)
            [TimeZoneInfo]::ConvertTime($instant, $zone).ToString('yyyy-MM-dd')
        }

        $saved = $env:TZ
        $env:TZ = 'Pacific/Kiritimati'
        try {
            $result = Invoke-InFreshPwsh -TimeoutSeconds 90 -ArgumentList $script:Hub, $script:Account.Username, $script:Account.Password, $script:LongLabel {
                param($Hub, $User, $Password, $Label)
                $ErrorActionPreference = 'Stop'
                $credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
                Connect-HubAccount -Credential $credential -HubUri $Hub
                $token = Get-HubAccessToken -Label $Label
                [pscustomobject]@{
                    Offset = [TimeZoneInfo]::Local.GetUtcOffset([datetime]'2024-03-10').TotalHours
                    Table  = $token | Format-Table -View Detailed | Out-String -Width 120
                    List   = $token | Format-List | Out-String -Width 120
                    Id     = "$($token.Id)"
                }
            }
        }
        finally {
            $env:TZ = $saved
        }
    }

    It 'runs in that zone, and the chosen instants fall on another day there than in UTC' {
        $result.Terminated | Should -BeFalse -Because "$($result.Error | Out-String)"
        $result.Output[0].Offset | Should -Be 14
        foreach ($utc in $script:Created, $script:Used, $script:Expires) {
            Get-KiritimatiDay $utc | Should -Not -Be ([DateTimeOffset]::Parse($utc).UtcDateTime.ToString('yyyy-MM-dd'))
        }
    }

    It 'shows Created, LastUsed and Expires as the local day there' {
        $out = $result.Output[0]
        $row = @(ConvertFrom-TableText $out.Table) | Where-Object { $_.Id -eq $out.Id }
        $row | Should -Not -BeNullOrEmpty
        $row.Created | Should -BeExactly (Get-KiritimatiDay $script:Created)
        $row.LastUsed | Should -BeExactly (Get-KiritimatiDay $script:Used)
        $row.Expires | Should -BeExactly (Get-KiritimatiDay $script:Expires)
        $row.Created | Should -BeExactly '2024-03-11'
    }

    It 'shows local times in the list view too' {
        $item = @(ConvertFrom-ListText $result.Output[0].List)[0]
        # The list view shows full DateTimes in the culture's format; the day is enough to tell the zone.
        $created = [datetime]::Parse($item.CreatedAt, [Globalization.CultureInfo]::CurrentCulture)
        $created.ToString('yyyy-MM-dd HH:mm') | Should -Be '2024-03-11 02:00'
    }
}

Describe 'Format-List of a token' {
    BeforeAll {
        $propertyNames = @([DockerHubPat.HubAccessToken].GetProperties() | Where-Object { $_.GetMethod.IsPublic } | ForEach-Object Name)
    }

    It 'is the view for one token piped to Format-List, with LastUsedAt and ExpiresAt "Never" when empty' {
        $never = $script:Planted | Where-Object token_label -EQ 'fmt never used, never expires'
        $item = @(ConvertFrom-ListText (Get-HubAccessToken -Id $never.uuid | Format-List | Out-String -Width 120))[0]
        $item.Label | Should -BeExactly 'fmt never used, never expires'
        $item.Id | Should -BeExactly $never.uuid
        $item.Scopes | Should -BeExactly 'repo:read, repo:write'
        $item.LastUsedAt | Should -BeExactly 'Never'
        $item.ExpiresAt | Should -BeExactly 'Never'
        $item.IsActive | Should -BeExactly 'True'
        $item.IsExpired | Should -BeExactly 'False'
        $item.State | Should -BeExactly 'Active'
        $item.Username | Should -BeExactly $script:Account.Username
    }

    It 'shows an expired token as State Expired and IsExpired True, even while Hub keeps it active' {
        $item = @(ConvertFrom-ListText (Get-HubAccessToken -Label 'fmt-expired' | Format-List | Out-String -Width 80))[0]
        $item.State | Should -BeExactly 'Expired'
        $item.IsExpired | Should -BeExactly 'True'
        $item.IsActive | Should -BeExactly 'True'
    }

    It 'shows every public property of DockerHubPat.HubAccessToken' {
        $propertyNames.Count | Should -BeGreaterOrEqual 12
        $item = @(ConvertFrom-ListText (Get-HubAccessToken -Label 'fmt-inactive' | Format-List | Out-String -Width 120))[0]
        $missing = @($propertyNames | Where-Object { -not $item.Contains($_) })
        $missing | Should -BeNullOrEmpty -Because "the help says 'Use Format-List to see all properties of a token', but the list view leaves out: $($missing -join ', ')"
    }

    It 'shows the Secret of a new token as hidden, never the secret itself (<Form>)' -ForEach @(
        @{ Form = 'Format-List'; Render = { param($t) $t | Format-List | Out-String -Width 120 } }
        @{ Form = 'Format-List *'; Render = { param($t) $t | Format-List * | Out-String -Width 120 } }
        @{ Form = 'Format-Table'; Render = { param($t) $t | Format-Table | Out-String -Width 120 } }
        @{ Form = 'Out-String'; Render = { param($t) $t | Out-String -Width 120 } }
    ) {
        $made = New-HubAccessToken -Label "fmt-secret-$([guid]::NewGuid().ToString('N').Substring(0, 6))" -NoVault
        try {
            $secret = [pscredential]::new('x', $made.Secret).GetNetworkCredential().Password
            $secret | Should -BeLike 'dckr_pat_*'
            $text = & $Render $made
            $text | Should -Not -BeNullOrEmpty
            $text.Contains($secret) | Should -BeFalse
            $text | Should -Not -Match 'dckr_pat_'
            if ($Form -like 'Format-List*') {
                $item = @(ConvertFrom-ListText $text)[0]
                $item.Contains('Secret') | Should -BeTrue
                $item.Secret | Should -Not -BeNullOrEmpty
                $item.Secret | Should -Match 'SecureString'
            }
        }
        finally {
            Remove-HubAccessToken -Id $made.Id -Force
        }
    }

    It 'keeps every line within 120 characters, even with a 100-character label' {
        $text = Get-HubAccessToken -Label $script:MaxLabel | Format-List | Out-String -Width 120
        @(Get-Lines $text | Where-Object { $_.Length -gt 120 }) | Should -BeNullOrEmpty
    }
}

Describe 'The session at <Width> columns' -ForEach @(
    @{ Width = 80 }
    @{ Width = 120 }
) {
    BeforeAll {
        $text = $script:Session | Out-String -Width $Width
    }

    It 'formats as a table by default: Username, Hub, SignedIn, Expires, Renews' {
        @(Get-HeaderNames $text) | Should -Be @('Username', 'Hub', 'SignedIn', 'Expires', 'Renews')
        ($script:Session | Format-Table | Out-String -Width $Width) -replace $script:Ansi, '' | Should -BeExactly ($text -replace $script:Ansi, '')
    }

    It 'shows the session in one line no wider than <Width> characters' {
        @(Get-Lines $text | Where-Object { $_.Length -gt $Width }) | Should -BeNullOrEmpty
        @(Get-Lines $text | Where-Object { $_.Trim() }).Count | Should -Be 3 -Because $text
    }

    It 'shows the user, the Hub as host:port, sign-in and expiry to the minute, and whether it renews itself' {
        $rows = @(ConvertFrom-TableText $text)
        $rows.Count | Should -Be 1
        $rows[0].Username | Should -BeExactly $script:Account.Username
        $rows[0].Hub | Should -BeExactly ([uri]$script:Hub).Authority
        $rows[0].SignedIn | Should -BeExactly $script:Session.SignedInAt.ToString('yyyy-MM-dd HH:mm')
        $rows[0].Expires | Should -BeExactly $script:Session.ExpiresAt.ToString('yyyy-MM-dd HH:mm')
        $rows[0].Renews | Should -BeExactly 'True'
    }
}

Describe 'Format-List of the session' {
    It 'shows every public property of DockerHubPat.HubSession, the full HubUri, and no session token' {
        $text = $script:Session | Format-List | Out-String -Width 80
        $item = @(ConvertFrom-ListText $text)[0]
        $names = @([DockerHubPat.HubSession].GetProperties() | Where-Object { $_.GetMethod.IsPublic } | ForEach-Object Name)
        $names | Should -Contain 'RenewsItself'
        @($names | Where-Object { -not $item.Contains($_) }) | Should -BeNullOrEmpty
        $item.HubUri.TrimEnd('/') | Should -BeExactly $script:Hub
        $item.Username | Should -BeExactly $script:Account.Username
        $text | Should -Not -Match 'eyJ' -Because 'a JWT starts with eyJ'
    }
}

Describe 'In a real 80-column console (tmux)' {
    BeforeAll {
        $found = Get-TestTmux
        $script:Tmux = $found.Path
        $script:SkipReason = $found.SkipReason
        if ($SkipReason) { return }

        $literal = { param($Value) "'" + ($Value -replace "'", "''") + "'" }
        # The console prints the tables as Out-Default does at the prompt, then a marker.
        $script = @"
Import-Module $(& $literal $env:DOCKERHUBPAT_TEST_MODULE)
`$credential = [pscredential]::new($(& $literal $script:Account.Username), (ConvertTo-SecureString $(& $literal $script:Account.Password) -AsPlainText -Force))
Connect-HubAccount -Credential `$credential -HubUri $(& $literal $script:Hub) -PassThru | Out-Default
Get-HubAccessToken | Out-Default
'DHP-' + 'DONE'
"@
        $console = Start-TestConsole -Tmux $Tmux -Script $script -Width 80 -Height 60
        try {
            $null = Wait-ConsoleScreen $console '*DHP-DONE*' -Seconds 90
            # Joined: a line the terminal wrapped comes back as one line longer than 80.
            $script:Screen = Get-ConsoleScreen $console -Joined
        }
        finally { Stop-TestConsole $console }
        $lines = @(Get-Lines $Screen | ForEach-Object TrimEnd)
        $tokenStart = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^Id\s+State' })
        $script:TokenText = ($lines[$tokenStart..($lines.Count - 1)]) -join "`n"
        $script:SessionText = ($lines[0..($tokenStart - 1)]) -join "`n"
    }

    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    It 'wraps no line: everything fits in 80 columns' {
        $wide = @(Get-Lines $Screen | ForEach-Object TrimEnd | Where-Object { $_.Length -gt 80 })
        $wide | Should -BeNullOrEmpty -Because "the console wrapped these lines:`n$($wide -join "`n")"
    }

    It 'shows every token once, with its full id, state, expiry, last use and the start of its label' {
        $rows = @(ConvertFrom-TableText $TokenText)
        $rows.Count | Should -Be $script:Planted.Count -Because $TokenText
        foreach ($token in $script:Planted) {
            $row = @($rows | Where-Object { $_.Id -eq $token.uuid })
            $row | Should -HaveCount 1 -Because "the id $($token.uuid) must be shown whole"
            $expected = if ($script:StateOf.ContainsKey($token.token_label)) { $script:StateOf[$token.token_label] } else { 'Active' }
            $row[0].State | Should -BeExactly $expected
            $row[0].Expires | Should -Match '^(Never|\d{4}-\d\d-\d\d)$'
            $row[0].LastUsed | Should -Match '^(Never|\d{4}-\d\d-\d\d)$'
            $token.token_label.StartsWith($row[0].Label.TrimEnd([char]0x2026)) | Should -BeTrue -Because "'$($row[0].Label)' should start '$($token.token_label)'"
        }
        ($rows | Where-Object { $_.Id -eq ($script:Planted | Where-Object token_label -EQ $script:LongLabel).uuid }).Label | Should -Match '…$'
    }

    It 'shows the session''s user, Hub, times and renewal' {
        $row = @(ConvertFrom-TableText $SessionText)
        $row | Should -HaveCount 1 -Because $SessionText
        $row[0].Username | Should -BeExactly $script:Account.Username
        $row[0].Hub | Should -BeExactly ([uri]$script:Hub).Authority
        $row[0].Expires | Should -Match '^\d{4}-\d\d-\d\d \d\d:\d\d$'
        $row[0].Renews | Should -BeExactly 'True'
    }
}

Describe 'Get-HubOrgAccessToken at <Width> columns (the default table)' -ForEach @(
    # 79 is what a real 80-column console gives a table.
    @{ Width = 79 }
    @{ Width = 120 }
) {
    BeforeAll {
        $owner = New-TestAccount -Prefix 'fmtorg'
        $script:OrgName = (New-TestOrganization -Prefix 'fmt' -Owner $owner.Username).name
        $script:OrgPlanted = @(Add-TestOrgToken -Organization $OrgName -Token @(
                @{ label = $script:LongLabel; created_at = $script:Created; last_used_at = $script:Used; expires_at = $script:Expires
                    resources = @(@{ type = 'TYPE_REPO'; path = "$OrgName/app"; scopes = @('scope-image-pull', 'scope-image-push') }
                        @{ type = 'TYPE_ORG'; path = $OrgName; scopes = @('scope-repository-list') }) }
                @{ label = 'fmt-org-inactive'; is_active = $false; created_at = $script:Created }
                @{ label = 'fmt-org-expired'; created_at = $script:Created; expires_at = '2024-02-01T12:00:00Z' }
            ) | ForEach-Object { $_ })
        $script:OrgSession = Connect-HubAccount -Credential $owner.Credential -HubUri $script:Hub -PassThru
        $text = Get-HubOrgAccessToken $OrgName -Session $OrgSession | Out-String -Width $Width
    }

    It 'groups the tokens under their organization and has the personal table''s columns' {
        @(Get-Lines $text | Where-Object { $_ -match '^\s*Organization: (\S+)$' }) | Should -HaveCount 1
        $Matches[1] | Should -BeExactly $OrgName
        @(Get-HeaderNames $text) | Should -Be @('Id', 'State', 'Expires', 'LastUsed', 'Label')
    }

    It 'puts each token on one line no wider than <Width> characters, with its full id and state' {
        $wide = @(Get-Lines $text | Where-Object { $_.Length -gt $Width })
        $wide | Should -BeNullOrEmpty -Because "no line may be wider than $Width columns:`n$($wide -join "`n")"
        $rows = @(ConvertFrom-TableText $text)
        $rows.Count | Should -Be 3 -Because $text
        foreach ($token in $OrgPlanted) {
            $row = @($rows | Where-Object { $_.Id -eq $token.id })
            $row | Should -HaveCount 1 -Because "the id $($token.id) must be shown whole"
            $token.label.StartsWith($row[0].Label.TrimEnd([char]0x2026)) | Should -BeTrue
        }
        ($rows | Where-Object { $_.Id -eq $OrgPlanted[1].id }).State | Should -BeExactly 'Inactive'
        ($rows | Where-Object { $_.Id -eq $OrgPlanted[2].id }).State | Should -BeExactly 'Expired'
        $long = $rows | Where-Object { $_.Id -eq $OrgPlanted[0].id }
        $long.Expires | Should -BeExactly (Get-LocalDay $script:Expires)
        $long.LastUsed | Should -BeExactly (Get-LocalDay $script:Used)
    }

    It 'lists the resources one a line in the list view, and says how to get them for a listed token' {
        # A list is not a table: a long value wraps, so it is read wide enough to keep each on one line.
        $item = @(ConvertFrom-ListText (Get-HubOrgAccessToken $OrgName -Id $OrgPlanted[0].id -Session $OrgSession | Format-List | Out-String -Width 200))[0]
        $item.Organization | Should -BeExactly $OrgName
        $item.Resources | Should -BeExactly "Repository $OrgName/app: scope-image-pull, scope-image-push"
        (Get-HubOrgAccessToken $OrgName -Id $OrgPlanted[0].id -Session $OrgSession | Format-List | Out-String -Width 200) |
            Should -Match "\n\s+Organization $OrgName`: scope-repository-list"
        $listed = @(ConvertFrom-ListText (Get-HubOrgAccessToken $OrgName 'fmt-org-inactive' -Session $OrgSession | Format-List | Out-String -Width 200))[0]
        $listed.Resources | Should -Match '-IncludeResources'
    }
}
