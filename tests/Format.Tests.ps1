# The module's default views (module/DockerHubPat.Format.ps1xml) as a user sees them: the token
# table fits 120 columns and shows local days, "Never" and full ids; the list view shows every
# property and never a secret; the session formats as a table. Token data is planted on the emulator
# with fixed UTC instants, so the expected text can be computed exactly.

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
        ))
    $script:ById = @{}
    foreach ($t in $script:Planted) { $script:ById[$t.uuid] = $t }

    $script:Session = Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -PassThru
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubAccessToken | Format-Table at 120 columns' {
    BeforeAll {
        $text = Get-HubAccessToken | Format-Table | Out-String -Width 120
        $rows = @(ConvertFrom-TableText $text)
        $rowOf = @{}
        foreach ($row in $rows) { $rowOf[$row.Id] = $row }
    }

    It 'is the default view: plain output renders the same table' {
        $plain = Get-HubAccessToken | Out-String -Width 120
        ($plain -replace $script:Ansi, '').Trim() | Should -BeExactly ($text -replace $script:Ansi, '').Trim()
    }

    It 'keeps every line within 120 characters' {
        $long = @(Get-Lines $text | Where-Object { $_.Length -gt 120 })
        $long | Should -BeNullOrEmpty -Because "no line may be wider than 120 columns:`n$($long -join "`n")"
        # The labels really are long enough to need cutting.
        ($script:Planted.token_label | Measure-Object -Property Length -Maximum).Maximum | Should -BeGreaterThan 90
    }

    It 'has the columns Label, Scopes, Active, LastUsed, Created, Expires, Id in that order' {
        @(Get-HeaderNames $text) | Should -Be @('Label', 'Scopes', 'Active', 'LastUsed', 'Created', 'Expires', 'Id')
    }

    It 'has one row per token, each with its full 36-character id' {
        $rows.Count | Should -Be $script:Planted.Count
        foreach ($token in $script:Planted) {
            $rowOf.ContainsKey($token.uuid) | Should -BeTrue -Because "the id $($token.uuid) must be shown whole"
            $rowOf[$token.uuid].Id.Length | Should -Be 36
        }
    }

    It 'shows "Never" under LastUsed for a token never used, and the local day of use otherwise' {
        $never = $script:Planted | Where-Object { -not $_.last_used } | Select-Object -First 1
        $rowOf[$never.uuid].LastUsed | Should -BeExactly 'Never'
        $used = $script:Planted | Where-Object token_label -EQ $script:LongLabel
        $rowOf[$used.uuid].LastUsed | Should -BeExactly (Get-LocalDay $script:Used)
    }

    It 'shows "Never" under Expires for a token that does not expire, and the local day of expiry otherwise' {
        $never = $script:Planted | Where-Object token_label -EQ 'fmt never used, never expires'
        $rowOf[$never.uuid].Expires | Should -BeExactly 'Never'
        $expiring = $script:Planted | Where-Object token_label -EQ $script:LongLabel
        $rowOf[$expiring.uuid].Expires | Should -BeExactly (Get-LocalDay $script:Expires)
    }

    It 'shows the creation as the local day (created_at.ToLocalTime() as yyyy-MM-dd)' {
        foreach ($token in $script:Planted) {
            $rowOf[$token.uuid].Created | Should -BeExactly (Get-LocalDay $token.created_at) -Because $token.token_label
        }
    }

    It 'shows IsActive under Active' {
        $inactive = $script:Planted | Where-Object token_label -EQ 'fmt-inactive'
        $rowOf[$inactive.uuid].Active | Should -BeExactly 'False'
        $active = $script:Planted | Where-Object token_label -EQ $script:LongLabel
        $rowOf[$active.uuid].Active | Should -BeExactly 'True'
    }

    It 'shows the start of a long label and the scopes joined with commas' {
        $long = $script:Planted | Where-Object token_label -EQ $script:LongLabel
        $cell = $rowOf[$long.uuid].Label
        $cell.Length | Should -BeGreaterThan 10
        $script:LongLabel.StartsWith($cell.TrimEnd([char]0x2026, '.')) | Should -BeTrue -Because "'$cell' should be the start of the label"
        # Every scope is in the repo group, so the table drops the common 'repo:' prefix; two scopes
        # then fit whole, and a longer list is cut at the column's end.
        $rowOf[$long.uuid].Scopes | Should -BeLike 'admin,write,*'
        $two = $script:Planted | Where-Object token_label -EQ 'fmt never used, never expires'
        $rowOf[$two.uuid].Scopes | Should -BeExactly 'read,write'
        $one = $script:Planted | Where-Object token_label -EQ $script:MaxLabel
        $rowOf[$one.uuid].Scopes | Should -BeExactly 'public_read'
        $none = $script:Planted | Where-Object token_label -EQ 'fmt-inactive'
        $rowOf[$none.uuid].Scopes | Should -BeExactly ''
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
                    Table  = $token | Format-Table | Out-String -Width 120
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
        $item.Username | Should -BeExactly $script:Account.Username
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

Describe 'The session object' {
    BeforeAll {
        $text = $script:Session | Out-String -Width 120
    }

    It 'formats as a table by default, with Username, HubUri and ExpiresAt' {
        $headers = @(Get-HeaderNames $text)
        $headers | Should -Contain 'Username'
        $headers | Should -Contain 'HubUri'
        $headers | Should -Contain 'ExpiresAt'
        # A table, not a list: no 'Username : …' line.
        @(Get-Lines $text | Where-Object { $_ -match '^\s*Username\s+:' }) | Should -BeNullOrEmpty
        ($script:Session | Format-Table | Out-String -Width 120) -replace $script:Ansi, '' | Should -BeExactly ($text -replace $script:Ansi, '')
    }

    It 'shows the session''s values in its row' {
        $rows = @(ConvertFrom-TableText $text)
        $rows.Count | Should -Be 1
        $rows[0].Username | Should -BeExactly $script:Account.Username
        $rows[0].HubUri.TrimEnd('/') | Should -BeExactly $script:Hub
        $shown = [datetime]::Parse($rows[0].ExpiresAt, [Globalization.CultureInfo]::CurrentCulture)
        [Math]::Abs(($shown - $script:Session.ExpiresAt).TotalSeconds) | Should -BeLessThan 1
    }

    It 'fits in 120 columns' {
        @(Get-Lines $text | Where-Object { $_.Length -gt 120 }) | Should -BeNullOrEmpty
    }
}
